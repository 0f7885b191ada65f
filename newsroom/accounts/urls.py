"""Under /admin/sicherheit/, mounted before the admin's own URLs."""

from django.urls import path
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import views as library

from . import views
from .middleware import ENROL, VERIFY, allowed_before
from .passkeys import RegisterPasskey, SignInWithPasskey

# The names django-otp-webauthn's scripts are configured with.
passkey_patterns = ([
    path("registrieren/start/", allowed_before(ENROL)(
        library.BeginCredentialRegistrationView.as_view()),
        name="credential-registration-begin"),
    path("registrieren/", allowed_before(ENROL)(RegisterPasskey.as_view()),
         name="credential-registration-complete"),
    path("anmelden/start/", allowed_before(VERIFY)(
        library.BeginCredentialAuthenticationView.as_view()),
        name="credential-authentication-begin"),
    path("anmelden/", allowed_before(VERIFY)(SignInWithPasskey.as_view()),
         name="credential-authentication-complete"),
    path("jsi18n/", allowed_before(VERIFY, ENROL)(
        JavaScriptCatalog.as_view(packages=["django_otp_webauthn"])), name="js-i18n-catalog"),
], "otp_webauthn")

account_patterns = ([
    path("", views.security, name="security"),
    path("bestaetigen/", views.verify, name="verify"),
    path("einrichten/", views.enrol, name="enrol"),
    path("app/", views.app_setup, name="app_setup"),
    path("wiederherstellungscodes/", views.recovery_codes, name="recovery_codes"),
    path("wiederherstellungscodes.txt", views.recovery_codes_download,
         name="recovery_codes_download"),
    path("faktor/<str:kind>/<int:pk>/entfernen/", views.remove_factor, name="remove_factor"),
    path("sitzungen/beenden/", views.end_other_sessions, name="end_other_sessions"),
    path("team/", views.team, name="team"),
    path("team/<int:pk>/zuruecksetzen/", views.reset, name="reset"),
], "accounts")
