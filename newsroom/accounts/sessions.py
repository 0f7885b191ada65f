"""The one module that ends sessions: a member sees where they are signed in and can end
the other sessions; a password change ends them too.

Sessions live in the session store all servers share (the database, or Redis with the
database behind it), so ending one here ends it everywhere.
"""

from importlib import import_module

from django.conf import settings
from django.utils import timezone

from newsroom.clientaddress import client_address

from . import events
from .models import StaffSession


def _store(session_key):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


def started(sender, request, user, **kwargs):
    """user_logged_in: remember the new session under its member (and say so in the log)."""
    if request is None or not getattr(request, "session", None):
        return
    if request.session.session_key is None:
        request.session.save()
    StaffSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={"user": user, "address": client_address(request) or None,
                  "user_agent": request.META.get("HTTP_USER_AGENT", "")[:200]},
    )
    events.record(request, events.Kind.SIGNED_IN, user)


def ended(sender, request, user, **kwargs):
    """user_logged_out: the session is gone."""
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        StaffSession.objects.filter(session_key=key).delete()


def active(user):
    """The member's sessions that still exist and have not expired, newest first."""
    oldest = timezone.now() - timezone.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    rows = list(StaffSession.objects.filter(user=user))
    gone = [row.pk for row in rows
            if row.started_at < oldest or not _store(row.session_key).exists(row.session_key)]
    if gone:
        StaffSession.objects.filter(pk__in=gone).delete()
    return [row for row in rows if row.pk not in gone]


def end_others(request):
    """End every session of the member but this one; how many ended."""
    others = StaffSession.objects.filter(user=request.user).exclude(
        session_key=request.session.session_key)
    return _end(others)


def end_all(user):
    return _end(StaffSession.objects.filter(user=user))


def _end(rows):
    keys = list(rows.values_list("session_key", flat=True))
    for key in keys:
        _store(key).delete(key)
    StaffSession.objects.filter(session_key__in=keys).delete()
    return len(keys)


def password_changed(request, old_key):
    """After a password change (which gave this session a new key): keep this session in
    the list under its new key and end every other one at once, rather than only when
    they next ask (Django's session hash check)."""
    StaffSession.objects.filter(session_key=old_key).update(
        session_key=request.session.session_key)
    return end_others(request)
