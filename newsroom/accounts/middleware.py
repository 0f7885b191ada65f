"""Staff who owe a second factor reach only the pages that settle it.

After the password, a member who has set up a factor must confirm it before any admin
page opens; under NEWSROOM_MFA=required a member without one must set one up first.
Until then every admin URL leads to that step, and everywhere else (previews, the public
site) the session counts as signed out, so nothing staff-only is seen with a password
alone. Views that belong to the step say so with `second_factor_step`.
"""

from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect
from django.urls import reverse

from . import factors

VERIFY = "verify"
ENROL = "enrol"


def allowed_before(*steps):
    """Mark a view as reachable while the member still owes `steps`."""

    def mark(view):
        view.second_factor_steps = frozenset(steps)
        return view

    return mark


def owed_step(user):
    """What the signed-in member still owes: VERIFY, ENROL or None."""
    if not user.is_authenticated or not user.is_staff or user.is_verified():
        return None
    if factors.has_factor(user):
        return VERIFY
    return ENROL if factors.required() else None


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        step = owed_step(request.user)
        if step is None or step in getattr(view_func, "second_factor_steps", ()):
            return None
        if request.path == reverse("admin:logout"):
            return None
        if request.path.startswith(reverse("admin:index")):
            target = reverse("accounts:verify" if step == VERIFY else "accounts:enrol")
            return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        request.user = AnonymousUser()
        return None
