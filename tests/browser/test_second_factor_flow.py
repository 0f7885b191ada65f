"""Signing in with a second factor in Chromium: a passkey through Chromium's virtual
authenticator (the DevTools protocol's WebAuthn domain), the app's code with the keyboard
alone, and axe-core on every page of the flow."""

import base64
import re

import pyotp
import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from newsroom.accounts.models import SecurityEvent
from tests.browser.conftest import PASSWORD
from tests.browser.test_accessibility import blocking_violations, describe


@pytest.fixture
def required(settings):
    settings.NEWSROOM_MFA = "required"


def enter_password(page, username):
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")


def sign_out(page):
    page.get_by_role("button", name="Abmelden").click()
    page.wait_for_url("**/admin/logout/")


def add_virtual_authenticator(page):
    """A platform authenticator (like a laptop's fingerprint reader) that says yes."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
        "hasUserVerification": True, "isUserVerified": True,
    }})
    return cdp


def test_sign_in_with_a_passkey(new_page, staff, required):
    page = new_page()
    cdp = add_virtual_authenticator(page)

    # Without a second factor, the password leads to setting one up, and nowhere else.
    enter_password(page, "jana")
    page.wait_for_url("**/admin/sicherheit/einrichten/**")
    page.goto("/admin/articles/article/")
    page.wait_for_url("**/admin/sicherheit/einrichten/**")
    page.get_by_role("button", name="Passkey hinzufügen").click()
    page.wait_for_url("**/admin/sicherheit/wiederherstellungscodes/")
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    credentials = cdp.send("WebAuthn.getCredentials", {
        "authenticatorId": cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
            "protocol": "ctap2", "transport": "usb"}})["authenticatorId"]})
    assert credentials["credentials"] == []  # a second authenticator holds nothing
    sign_out(page)

    # Next time: the password, then the passkey.
    enter_password(page, "jana")
    page.wait_for_url("**/admin/sicherheit/bestaetigen/**")
    page.get_by_role("button", name="Mit Passkey bestätigen").click()
    page.wait_for_url(re.compile(r".*/admin/$"))
    expect(page.locator("#site-name")).to_be_visible()
    page.goto("/admin/articles/article/")
    expect(page).to_have_url(re.compile(r"/admin/articles/article/$"))
    kinds = set(SecurityEvent.objects.filter(username="jana").values_list("kind", "detail"))
    assert (SecurityEvent.Kind.VERIFIED, "Passkey 1") in kinds
    assert any(kind == SecurityEvent.Kind.FACTOR_ADDED for kind, _detail in kinds)


@pytest.fixture
def jana_key(staff):
    device = TOTPDevice.objects.create(user=staff["jana"], name="Authenticator-App",
                                       confirmed=True)
    return base64.b32encode(bytes.fromhex(device.key)).decode()


def active_element(page):
    return page.evaluate("() => document.activeElement.name || document.activeElement.id")


def test_sign_in_with_the_keyboard_only(new_page, jana_key):
    page = new_page()
    page.goto("/admin/login/")
    assert active_element(page) == "username"  # the login form starts in its first field
    page.keyboard.type("jana")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/sicherheit/bestaetigen/**")

    # The code field has the focus; a wrong code is said, and the field, with the typed
    # code kept, has the focus again.
    assert active_element(page) == "code"
    page.keyboard.type("12345x")
    page.keyboard.press("Enter")
    expect(page.locator("#code-error")).to_contain_text("Der Code stimmt nicht")
    assert active_element(page) == "code"
    expect(page.locator("input[name=code]")).to_have_value("12345x")
    page.keyboard.press("Control+A")
    page.wait_for_timeout(1100)  # the one second a first wrong code waits
    page.keyboard.type(pyotp.TOTP(jana_key).now())
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/admin/$"))
    expect(page.get_by_role("heading", name="Wartet auf Prüfung")).to_be_visible()


def assert_axe_clean(page):
    violations = blocking_violations(page)
    assert not violations, page.url + "\n" + describe(violations)


def test_second_factor_pages_are_axe_clean(new_page, staff, required):
    page = new_page(bypass_csp=True)
    enter_password(page, "erik")
    page.wait_for_url("**/admin/sicherheit/einrichten/**")
    assert_axe_clean(page)
    page.get_by_role("link", name="Authenticator-App einrichten").click()
    assert_axe_clean(page)
    key = page.locator("#totp-key").inner_text().replace(" ", "")
    page.get_by_label("Code aus der App").fill(pyotp.TOTP(key).now())
    page.get_by_role("button", name="Einrichten").click()
    page.wait_for_url("**/admin/sicherheit/wiederherstellungscodes/")
    assert_axe_clean(page)
    page.goto("/admin/sicherheit/")
    assert_axe_clean(page)
    page.goto("/admin/sicherheit/team/")
    assert_axe_clean(page)
    page.goto("/admin/accounts/securityevent/")
    assert_axe_clean(page)
    sign_out(page)
    enter_password(page, "erik")
    page.wait_for_url("**/admin/sicherheit/bestaetigen/**")
    page.get_by_label(re.compile("Code aus der Authenticator-App")).fill("000000x")
    page.get_by_role("button", name="Bestätigen").click()
    expect(page.locator("#code-error")).to_be_visible()
    assert_axe_clean(page)
