"""The one module that changes a member's second factors and checks their codes.

Factors are django-otp devices: an authenticator app (TOTPDevice, RFC 6238), passkeys
(django-otp-webauthn's WebAuthnCredential) and one StaticDevice holding the ten
single-use recovery codes. Recovery codes alone are no factor: they stand in for a lost
one.
"""

from base64 import b32encode
from math import ceil

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from . import events, sessions

Kind = events.Kind
RECOVERY_CODE_COUNT = 10
APP_NAME = "Authenticator-App"
RECOVERY_NAME = "Wiederherstellungscodes"


def required():
    return settings.NEWSROOM_MFA == "required"


def apps_of(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True)


def passkeys_of(user):
    return WebAuthnCredential.objects.filter(user=user, confirmed=True)


def has_factor(user):
    return apps_of(user).exists() or passkeys_of(user).exists()


def recovery_device(user):
    return StaticDevice.objects.filter(user=user, name=RECOVERY_NAME).first()


def recovery_codes(user):
    device = recovery_device(user)
    return list(device.token_set.values_list("token", flat=True)) if device else []


def pending_app(user):
    """The authenticator app being set up: its key stays the same until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=APP_NAME, confirmed=False)


def formatted_key(device):
    """The app's key in base32, as apps expect it typed, in groups of four."""
    key = b32encode(device.bin_key).decode()
    return " ".join(key[i:i + 4] for i in range(0, len(key), 4))


@transaction.atomic
def renew_recovery_codes(request, user, *, first=False):
    """Ten new codes; the old ones stop working."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=StaticToken.random_token())
        for _i in range(RECOVERY_CODE_COUNT))
    device.throttle_reset()
    if not first:
        events.record(request, Kind.CODES_RENEWED, user)
    return recovery_codes(user)


def factor_added(request, user, device, description):
    """After a new app or passkey: the session counts as verified with it, the log says
    so, and a first factor comes with its recovery codes."""
    if not request.user.is_verified():
        otp_login(request, device)
    events.record(request, Kind.FACTOR_ADDED, user, detail=description)
    if recovery_device(user) is None:
        renew_recovery_codes(request, user, first=True)


def confirm_app(request, device, code):
    """Confirm the app being set up with a code it shows (a CodeResult, as at sign-in)."""
    wait = _wait_seconds(device)
    if wait:
        return CodeResult(throttled=True, wait_seconds=wait)
    if not device.verify_token(normalise(code)):
        return CodeResult()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    factor_added(request, device.user, device, _("Authenticator-App"))
    return CodeResult(device=device)


def normalise(code):
    return "".join(code.split()).replace("-", "").lower()


class CodeResult:
    """`device` that matched, or why not: `throttled` (not even checked) for
    `wait_seconds` more."""

    def __init__(self, device=None, throttled=False, wait_seconds=0):
        self.device = device
        self.throttled = throttled
        self.wait_seconds = wait_seconds

    @property
    def ok(self):
        return self.device is not None


def _code_devices(user):
    """The member's code devices, locked until the transaction ends: two requests with the
    same code (on two workers) are checked one after the other, so only one wins."""
    return [
        *apps_of(user).select_for_update(),
        *StaticDevice.objects.select_for_update().filter(user=user, name=RECOVERY_NAME),
    ]


@transaction.atomic
def check_code(request, user, code):
    """Check a code from the app or a recovery code as the second step of a sign-in.

    Wrong codes are throttled per account: every code device of the member waits
    together, so switching between app and recovery codes gains nothing, and each wrong
    code counts as a failed login for django-axes' lock-out. A code is used once: the
    app's refuses its time step again, a recovery code is deleted.
    """
    devices = _code_devices(user)
    waits = [_wait_seconds(device) for device in devices]
    if any(waits):
        return CodeResult(throttled=True, wait_seconds=max(waits))
    token = normalise(code)
    for device in devices:
        if token and device.verify_token(token):
            for other in devices:
                if other is not device and other.throttling_failure_count:
                    other.throttle_reset()
            otp_login(request, device)
            what = _("Wiederherstellungscode") if isinstance(device, StaticDevice) else \
                _("Authenticator-App")
            events.record(request, Kind.VERIFIED, user, detail=what)
            return CodeResult(device=device)
    # Each device counted the failure itself (throttle_increment in verify_token).
    events.record(request, Kind.CODE_FAILED, user)
    user_login_failed.send(sender=__name__, credentials={"username": user.get_username()},
                           request=request)
    return CodeResult()


def _wait_seconds(device):
    allowed, data = device.verify_is_allowed()
    if allowed or not data or "locked_until" not in data:
        return 0
    return max(1, ceil((data["locked_until"] - timezone.now()).total_seconds()))


def is_locked_out(request, user):
    """Whether django-axes locks this account for this address (wrong passwords and wrong
    codes alike)."""
    return AxesProxyHandler.is_locked(request, {"username": user.get_username()})


def remove(request, user, device):
    """Remove one of the member's own factors; refused (with the reason) when policy
    requires a second factor and it is the last one. Recovery codes go with the last."""
    others = [d for d in (*apps_of(user), *passkeys_of(user)) if d != device]
    if not others and required():
        return _("Der letzte zweite Faktor kann nicht entfernt werden: Die Anmeldung "
                 "verlangt einen. Richten Sie zuerst einen weiteren ein.")
    with transaction.atomic():
        description = describe(device)
        device.delete()
        if not others:
            StaticDevice.objects.filter(user=user).delete()
        events.record(request, Kind.FACTOR_REMOVED, user, detail=description)
    return None


def describe(device):
    if isinstance(device, TOTPDevice):
        return _("Authenticator-App")
    return device.name or _("Passkey")


@transaction.atomic
def reset(request, member):
    """An editor-in-chief's help for a member who lost their device: every factor and
    recovery code goes, every session of the member ends, and the log records who did
    it. The member signs in with the password and sets up a new factor."""
    TOTPDevice.objects.filter(user=member).delete()
    StaticDevice.objects.filter(user=member).delete()
    WebAuthnCredential.objects.filter(user=member).delete()
    sessions.end_all(member)
    events.record(request, Kind.RESET, member, actor=request.user)
