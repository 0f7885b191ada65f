"""The second factor for staff, through the real stack: set-up with the app, sign-in,
wrong, reused and throttled codes, recovery codes, the editors-in-chief's reset, the
policy, sessions and the security log."""

import re
from datetime import timedelta

import pyotp
import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.models import Status
from newsroom.accounts.models import SecurityEvent, StaffSession
from tests.conftest import admin_login

pytestmark = pytest.mark.django_db

PASSWORD = "Redaktion-2025!"
Kind = SecurityEvent.Kind
VERIFY = "/admin/sicherheit/bestaetigen/"
ENROL = "/admin/sicherheit/einrichten/"
APP = "/admin/sicherheit/app/"


@pytest.fixture
def required(settings):
    settings.NEWSROOM_MFA = "required"


def signed_in(username, address="192.0.2.10"):
    """A browser past the password step (through the login form, as axes sees it)."""
    client = Client(REMOTE_ADDR=address)
    response = client.post("/admin/login/?next=/admin/",
                           {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def set_up_app(client):
    """Set up the authenticator app as a person does: read the key off the page, type the
    code the app computes from it. Returns the key."""
    page = client.get(APP).content.decode()
    key = re.search(r'id="totp-key"[^>]*>([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    assert 'src="data:image/svg+xml' in page  # the QR code, made here
    response = client.post(APP, {"code": pyotp.TOTP(key).now()})
    assert response.status_code == 302
    assert response["Location"] == "/admin/sicherheit/wiederherstellungscodes/"
    return key


def code_at(key, seconds_from_now):
    return pyotp.TOTP(key).at(timezone.now() + timedelta(seconds=seconds_from_now))


@pytest.fixture
def jana_with_app(journalist):
    """Jana, with an authenticator app set up; returns its key."""
    key = set_up_app(signed_in("jana"))
    return key


def test_optional_keeps_password_only_sign_in(client, journalist):
    assert admin_login(client, "jana", PASSWORD)
    assert client.get("/admin/").status_code == 200
    event = SecurityEvent.objects.get(kind=Kind.SIGNED_IN)
    assert (event.user, event.address) == (journalist, "127.0.0.1")


def admin_urls():
    """Every admin page of a registered model, the index, and a few of our own."""
    urls = ["/admin/", "/admin/articles/", "/admin/password_change/", "/admin/sicherheit/",
            "/admin/sicherheit/team/", "/admin/sicherheit/wiederherstellungscodes/",
            "/admin/sicherheit/wiederherstellungscodes.txt", "/admin/gibt-es-nicht/"]
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls += [reverse(f"{prefix}_changelist"), reverse(f"{prefix}_add")]
    return urls


def test_required_blocks_every_admin_url_until_set_up(required, journalist, make_article):
    client = signed_in("jana")
    for url in admin_urls():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(ENROL + "?next="), url
    # Outside the admin the session counts as signed out: no preview of a draft.
    draft = make_article(status=Status.DRAFT)
    assert client.get(f"/vorschau/{draft.pk}/").status_code != 200
    assert "Zweiten Faktor einrichten" in client.get(ENROL).content.decode()

    set_up_app(client)
    assert client.get("/admin/").status_code == 200


def test_set_up_then_sign_in_with_the_next_code(journalist):
    client = signed_in("jana")
    key = set_up_app(client)
    page = client.get("/admin/sicherheit/wiederherstellungscodes/").content.decode()
    assert len(re.findall(r"<li><code>[a-z2-7]{8}</code></li>", page)) == 10
    assert SecurityEvent.objects.filter(kind=Kind.FACTOR_ADDED, user=journalist).exists()

    # The next sign-in asks for the code, whatever the policy, before any admin page.
    other = signed_in("jana", address="198.51.100.4")
    response = other.get("/admin/articles/article/")
    assert response["Location"] == VERIFY + "?next=%2Fadmin%2Farticles%2Farticle%2F"
    with time_machine.travel(timezone.now() + timedelta(seconds=30)):
        response = other.post(VERIFY + "?next=/admin/articles/article/",
                              {"code": pyotp.TOTP(key).now(),
                               "next": "/admin/articles/article/"})
        assert response.status_code == 302
        assert response["Location"] == "/admin/articles/article/"
        assert other.get("/admin/articles/article/").status_code == 200
    event = SecurityEvent.objects.filter(kind=Kind.VERIFIED).latest("pk")
    assert (event.user, event.address, event.detail) == (journalist, "198.51.100.4",
                                                          "Authenticator-App")


def test_wrong_code_is_refused_and_logged(jana_with_app, journalist):
    client = signed_in("jana")
    response = client.post(VERIFY, {"code": "000000" if code_at(jana_with_app, 0) != "000000"
                                    else "111111"})
    assert response.status_code == 200
    assert "Der Code stimmt nicht" in response.content.decode()
    assert client.get("/admin/").status_code == 302
    assert SecurityEvent.objects.filter(kind=Kind.CODE_FAILED, user=journalist).count() == 1
    # It counts as a failed login for django-axes.
    assert AccessAttempt.objects.get(username="jana").failures_since_start == 1


def test_a_code_cannot_be_used_twice(jana_with_app):
    with time_machine.travel(timezone.now() + timedelta(seconds=60)):
        code = pyotp.TOTP(jana_with_app).now()
        first, second = signed_in("jana"), signed_in("jana", address="198.51.100.4")
        assert first.post(VERIFY, {"code": code}).status_code == 302
        response = second.post(VERIFY, {"code": code})
        assert response.status_code == 200
        assert "wurde schon verwendet" in response.content.decode()


def test_wrong_codes_are_throttled_and_lead_to_the_lock_out(jana_with_app, settings):
    client = signed_in("jana")
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client.post(VERIFY, {"code": "abcdef"})
        client.post(VERIFY, {"code": "abcdef"})  # refused unchecked: wait a second first
        clock.shift(1.5)
        client.post(VERIFY, {"code": "abcdef"})
        # Now even the right code waits.
        response = client.post(VERIFY, {"code": pyotp.TOTP(jana_with_app).now()})
        assert "Zu viele falsche Codes. Bitte warten Sie 2 Sekunden" in response.content.decode()
        assert client.get("/admin/").status_code == 302
        # Waited, the failures go on counting towards axes' lock-out (5 by default).
        for _attempt in range(settings.AXES_FAILURE_LIMIT - 2):
            clock.shift(60)
            response = client.post(VERIFY, {"code": "abcdef"})
        assert response.status_code == 429
        assert "Anmeldung vorübergehend gesperrt" in response.content.decode()
    # Signed out, and the password alone no longer gets in from here.
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
    assert not admin_login(client, "jana", PASSWORD)


def test_a_recovery_code_works_once(jana_with_app, journalist):
    code = StaticToken.objects.filter(device__user=journalist).first().token
    client = signed_in("jana")
    response = client.post(VERIFY, {"code": code.upper()}, follow=True)
    assert response.redirect_chain[-1][0] == "/admin/"
    assert "es sind noch 9 übrig" in response.content.decode()
    assert SecurityEvent.objects.filter(kind=Kind.VERIFIED, detail="Wiederherstellungscode")
    again = signed_in("jana", address="198.51.100.4")
    assert "Der Code stimmt nicht" in again.post(VERIFY, {"code": code}).content.decode()


def test_recovery_codes_download(jana_with_app, journalist):
    client = signed_in("jana")
    client.post(VERIFY, {"code": code_at(jana_with_app, 30)})
    with time_machine.travel(timezone.now() + timedelta(seconds=30)):
        client.post(VERIFY, {"code": pyotp.TOTP(jana_with_app).now()})
    response = client.get("/admin/sicherheit/wiederherstellungscodes.txt")
    assert response["Content-Disposition"].startswith("attachment")
    assert len(re.findall(r"^[a-z2-7]{8}$", response.content.decode(), re.M)) == 10


def test_editor_in_chief_resets_a_members_factors(jana_with_app, journalist, editor_client,
                                                  editor):
    jana = signed_in("jana")
    with time_machine.travel(timezone.now() + timedelta(seconds=30)):
        assert jana.post(VERIFY, {"code": pyotp.TOTP(jana_with_app).now()}).status_code == 302
    team = editor_client.get("/admin/sicherheit/team/").content.decode()
    assert "jana" in team
    url = f"/admin/sicherheit/team/{journalist.pk}/zuruecksetzen/"
    assert "Ja, zurücksetzen" in editor_client.get(url).content.decode()
    assert editor_client.post(url).status_code == 302

    assert not TOTPDevice.objects.filter(user=journalist).exists()
    assert not StaticToken.objects.filter(device__user=journalist).exists()
    assert jana.get("/admin/")["Location"].startswith("/admin/login/")  # her session ended
    event = SecurityEvent.objects.get(kind=Kind.RESET)
    assert (event.user, event.actor) == (journalist, editor)
    # Journalists reset nobody.
    jana = signed_in("jana")
    assert jana.get("/admin/sicherheit/team/").status_code == 403
    assert jana.post(f"/admin/sicherheit/team/{editor.pk}/zuruecksetzen/").status_code == 403


def test_the_last_factor_stays_when_required(required, journalist):
    client = signed_in("jana")
    set_up_app(client)
    device = TOTPDevice.objects.get(user=journalist)
    response = client.post(f"/admin/sicherheit/faktor/app/{device.pk}/entfernen/", follow=True)
    assert "Der letzte zweite Faktor kann nicht entfernt werden" in response.content.decode()
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_removing_a_factor_is_logged(journalist):
    client = signed_in("jana")
    set_up_app(client)
    device = TOTPDevice.objects.get(user=journalist)
    client.post(f"/admin/sicherheit/faktor/app/{device.pk}/entfernen/")
    assert not TOTPDevice.objects.filter(user=journalist).exists()
    assert SecurityEvent.objects.filter(kind=Kind.FACTOR_REMOVED, user=journalist).exists()
    assert client.get("/admin/").status_code == 200  # optional: the password is enough again


def test_members_see_their_sessions_and_end_the_others(journalist):
    here, there = signed_in("jana"), signed_in("jana", address="198.51.100.4")
    page = here.get("/admin/sicherheit/").content.decode()
    assert "198.51.100.4" in page and "diese Sitzung" in page
    here.post("/admin/sicherheit/sitzungen/beenden/")
    assert there.get("/admin/")["Location"].startswith("/admin/login/")
    assert here.get("/admin/").status_code == 200
    assert StaffSession.objects.filter(user=journalist).count() == 1
    assert SecurityEvent.objects.filter(kind=Kind.SESSIONS_ENDED).exists()


def test_password_change_ends_every_other_session(journalist):
    here, there = signed_in("jana"), signed_in("jana", address="198.51.100.4")
    response = here.post("/admin/password_change/", {
        "old_password": PASSWORD, "new_password1": "Neues-Passwort-2026!",
        "new_password2": "Neues-Passwort-2026!"})
    assert response.status_code == 302
    assert there.get("/admin/")["Location"].startswith("/admin/login/")
    assert here.get("/admin/").status_code == 200
    assert [s.session_key for s in StaffSession.objects.filter(user=journalist)] == [
        here.session.session_key]
    assert SecurityEvent.objects.filter(kind=Kind.PASSWORD_CHANGED).exists()


def test_security_log_for_editors_in_chief_only(editor_client, journalist_client):
    assert journalist_client.get("/admin/accounts/securityevent/").status_code == 403
    set_up_app(signed_in("jana"))
    page = editor_client.get("/admin/accounts/securityevent/").content.decode()
    assert "Zweiter Faktor eingerichtet" in page
    assert timezone.localtime().strftime("%d.%m.%Y") in page
    assert "192.0.2.10" in page


@pytest.mark.parametrize("query", ["?next=https://evil.example/", "?next=%00", "?next=//x"])
def test_verify_page_ignores_foreign_next(jana_with_app, query):
    client = signed_in("jana")
    assert client.get(VERIFY + query).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(seconds=30)):
        response = client.post(VERIFY + query, {"code": pyotp.TOTP(jana_with_app).now()})
    assert response["Location"] == "/admin/"


def test_log_reads_the_address_behind_trusted_proxies(settings, journalist):
    settings.TRUSTED_PROXY_COUNT = 1
    client = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.99, 198.51.100.7")
    admin_login(client, "jana", PASSWORD)
    assert SecurityEvent.objects.get(kind=Kind.SIGNED_IN).address == "198.51.100.7"


def test_check_deploy_warns_when_production_runs_optional():
    from tests.test_settings import PRODUCTION, manage

    result = manage("check", "--deploy", env={**PRODUCTION, "NEWSROOM_MFA": "optional"})
    assert "newsroom.W001" in result.stderr + result.stdout
    assert "NEWSROOM_MFA=optional in production" in result.stderr + result.stdout
    # The default in production is "required", which passes (tests/test_settings.py).


def test_unknown_policy_is_refused():
    from tests.test_settings import PRODUCTION, manage

    result = manage("check", env={**PRODUCTION, "NEWSROOM_MFA": "sometimes"})
    assert result.returncode != 0 and "NEWSROOM_MFA must be one of" in result.stderr


def test_set_up_refuses_a_wrong_code_says_why_and_keeps_it(journalist):
    client = signed_in("jana")
    client.get(APP)
    clock = time_machine.travel(timezone.now(), tick=False)
    clock.start()
    response = client.post(APP, {"code": "12345"})
    page = response.content.decode()
    assert "Der Code stimmt nicht. Prüfen Sie, ob die Uhr Ihres Geräts richtig geht" in page
    assert 'value="12345"' in page
    assert not TOTPDevice.objects.filter(user=journalist, confirmed=True).exists()
    # Typed again at once, even the right code waits its second, and the page says so.
    key = re.search(r'id="totp-key"[^>]*>([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    response = client.post(APP, {"code": pyotp.TOTP(key).now()})
    clock.stop()
    assert "Bitte warten Sie 1 Sekunde" in response.content.decode()
