"""Guessing passwords across accounts from one address is refused too.

django-axes locks an account for the address that failed on it (AXES_FAILURE_LIMIT);
someone trying a few passwords on each of many accounts never reaches that. This counts
all failed logins from a client address within the cool-off time, from axes' records in
the database (so every worker and server counts the same), and answers a login attempt
from an address past NEWSROOM_LOGIN_ADDRESS_LIMIT with the lock-out page.
"""

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from newsroom.clientaddress import client_address


def failures_from(address, now=None):
    since = (now or timezone.now()) - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since).aggregate(
        n=Sum("failures_since_start"))["n"] or 0


class AddressLoginLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.path == reverse("admin:login") and (
            failures_from(client_address(request)) >= settings.NEWSROOM_LOGIN_ADDRESS_LIMIT
        ):
            return TemplateResponse(request, settings.AXES_LOCKOUT_TEMPLATE, {
                "cooloff_timedelta": settings.AXES_COOLOFF_TIME, "whole_address": True,
            }, status=429).render()
        return self.get_response(request)
