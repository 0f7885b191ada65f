"""The one writer of the security log."""

from newsroom.clientaddress import client_address

from .models import SecurityEvent

Kind = SecurityEvent.Kind


def record(request, kind, user, *, actor=None, detail=""):
    """Log `kind` for `user`, from the client address behind TRUSTED_PROXY_COUNT proxies."""
    return SecurityEvent.objects.create(
        kind=kind, user=user, username=user.get_username(), actor=actor,
        address=client_address(request) or None, detail=str(detail)[:200],
    )
