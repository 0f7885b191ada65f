"""Passkeys (WebAuthn) through django-otp-webauthn, as a second factor after the password.

The relying party is the host the site is reached at: Django has checked it against
ALLOWED_HOSTS, and a passkey made for it works only there. The library's endpoints are
wrapped so that set-up, sign-in and refusals reach the security log like the app's codes.
"""

import json

from django.conf import settings
from django.http.request import split_domain_port
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp_webauthn import views as library
from django_otp_webauthn.helpers import WebAuthnHelper

from . import events, factors


def relying_party_id(request):
    return split_domain_port(request.get_host())[0]


def relying_party_name(request):
    return settings.NEWSROOM_SITE_NAME


class PasskeyHelper(WebAuthnHelper):
    def get_allowed_origins(self):
        return [f"{self.request.scheme}://{self.request.get_host()}"]


class RegisterPasskey(library.CompleteCredentialRegistrationView):
    def post(self, *args, **kwargs):
        response = super().post(*args, **kwargs)
        device = factors.passkeys_of(self.request.user).get(pk=json.loads(response.content)["id"])
        # A name to tell one's passkeys apart in the list ("Passkey 2").
        device.name = _("Passkey %(n)d") % {"n": factors.passkeys_of(self.request.user).count()}
        device.save(update_fields=["name"])
        factors.factor_added(self.request, self.request.user, device, factors.describe(device))
        return response


class SignInWithPasskey(library.CompleteCredentialAuthenticationView):
    def complete_auth(self, device):
        super().complete_auth(device)
        events.record(self.request, events.Kind.VERIFIED, device.user,
                      detail=factors.describe(device))

    def handle_exception(self, exc):
        if self.request.user.is_authenticated:
            events.record(self.request, events.Kind.PASSKEY_FAILED, self.request.user,
                          detail=str(getattr(exc, "detail", ""))[:200])
        return super().handle_exception(exc)

    def get_success_url(self):
        return self.get_redirect_url() or reverse("admin:index")
