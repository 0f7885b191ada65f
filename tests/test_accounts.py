"""Accounts: login throttling with a clear message, strong passwords, logout elsewhere on
a password change."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from tests.conftest import admin_login

pytestmark = pytest.mark.django_db

PASSWORD = "Redaktion-2025!"


def test_account_is_locked_after_five_failures_with_a_clear_message(client, journalist):
    for _ in range(4):
        response = client.post("/admin/login/", {"username": "jana", "password": "falsch"})
        assert response.status_code == 200
    response = client.post("/admin/login/", {"username": "jana", "password": "falsch"})
    assert response.status_code == 429
    assert "Anmeldung vorübergehend gesperrt" in response.content.decode()
    assert "15 Minuten" in response.content.decode()
    # Even the right password does not get in while the lock holds.
    assert not admin_login(client, "jana", PASSWORD)


def test_lock_is_per_account_and_address(client, journalist, editor):
    for _ in range(5):
        client.post("/admin/login/", {"username": "jana", "password": "falsch"})
    assert admin_login(Client(), "erik", PASSWORD)  # another account, same address
    other_address = Client(REMOTE_ADDR="192.0.2.7")
    assert admin_login(other_address, "jana", PASSWORD)  # same account, another address


def test_editors_see_the_record_and_can_lift_a_lock(client, journalist, editor_client):
    for _ in range(5):
        client.post("/admin/login/", {"username": "jana", "password": "falsch"})
    attempt = AccessAttempt.objects.get(username="jana")
    page = editor_client.get("/admin/axes/accessattempt/").content.decode()
    assert "jana" in page
    editor_client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert admin_login(client, "jana", PASSWORD)


def test_journalists_do_not_see_login_records(journalist_client):
    assert journalist_client.get("/admin/axes/accessattempt/").status_code == 403


@pytest.mark.parametrize("weak", ["kurz", "password1234", "123456789012", "qwertyuiop12"])
def test_weak_passwords_are_refused(journalist, weak):
    with pytest.raises(ValidationError):
        validate_password(weak, user=journalist)


def test_password_change_logs_out_other_sessions(journalist):
    elsewhere = Client()
    assert admin_login(elsewhere, "jana", PASSWORD)
    here = Client()
    assert admin_login(here, "jana", PASSWORD)
    response = here.post("/admin/password_change/", {
        "old_password": PASSWORD, "new_password1": "Neues-Redaktions-Passwort-2026",
        "new_password2": "Neues-Redaktions-Passwort-2026"})
    assert response.status_code == 302
    assert here.get("/admin/").status_code == 200  # the session that changed it stays
    assert elsewhere.get("/admin/").status_code == 302  # every other one is logged out
