"""The accessibility statement and its feedback form, through the real stack."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

URL = reverse("articles:accessibility")


def test_statement_has_what_bitv_asks_for(client, settings):
    settings.NEWSROOM_EDITORS_EMAIL = "barrieren@kommune.example"
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        "<h1>Erklärung zur Barrierefreiheit</h1>",
        "weitgehend vereinbar",
        "WCAG) 2.1 auf der Stufe AA",
        "Nicht barrierefreie Inhalte",
        "Platzhaltergrafik",
        "PDF-Dokumente",
        "Diese Erklärung wurde am 29.11.2026 erstellt",
        "axe-core",
        "Tastatur",
        "Schlichtungsstelle nach dem Behindertengleichstellungsgesetz",
        "Mauerstraße 53",
        'href="mailto:barrieren@kommune.example"',
    ):
        assert text in page, text
    # Nothing is loaded from elsewhere: the Schlichtungsstelle is a plain link.
    assert all(re.match(r"/(?!/)", src) for src in re.findall(r'\bsrc="([^"]*)"', page))
    for link in re.findall(r"<link\b[^>]*>", page):
        assert "stylesheet" not in link or 'href="/' in link, link
    assert 'href="https://www.schlichtungsstelle-bgg.de"' in page


def test_statement_is_linked_from_every_page_footer(client, make_article):
    article = make_article()
    for url in (reverse("articles:home"), reverse("articles:list"), article.get_absolute_url()):
        assert f'href="{URL}"' in client.get(url).content.decode(), url


def test_feedback_is_mailed_to_the_editors(client, settings):
    settings.NEWSROOM_EDITORS_EMAIL = "barrieren@kommune.example"
    response = client.post(
        URL,
        {
            "name": "Erika Muster",
            "email": "erika@example.net",
            "message": "Der Filter nach Kommunen lässt sich mit dem Screenreader nicht öffnen.",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == URL + "#rueckmeldung"
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["barrieren@kommune.example"]
    assert sent.reply_to == ["erika@example.net"]
    assert sent.subject == "Rückmeldung zur Barrierefreiheit"
    assert "Der Filter nach Kommunen lässt sich mit dem Screenreader nicht öffnen." in sent.body
    assert "Erika Muster" in sent.body
    page = client.get(response["Location"]).content.decode()
    assert "Vielen Dank für Ihre Nachricht!" in page


def test_anonymous_feedback_needs_only_a_message(client):
    response = client.post(URL, {"message": "Kontrast der Fußzeile <zu> schwach & blass."})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].reply_to == []
    # A plain-text mail: the reader's text arrives as typed, not HTML-escaped.
    assert "Kontrast der Fußzeile <zu> schwach & blass." in mail.outbox[0].body


def test_empty_message_is_refused_and_typed_values_are_kept(client):
    response = client.post(
        URL, {"name": "Erika Muster", "email": "erika@example.net", "message": "   "}
    )
    assert response.status_code == 200
    assert mail.outbox == []
    assert response.context["form"].errors["message"] == [
        "Bitte schreiben Sie uns eine Nachricht."
    ]
    page = response.content.decode()
    assert "Bitte schreiben Sie uns eine Nachricht." in page
    assert 'value="Erika Muster"' in page
    assert 'value="erika@example.net"' in page
    assert 'aria-invalid="true"' in page


def test_invalid_email_keeps_the_message(client):
    response = client.post(URL, {"email": "keine-adresse", "message": "Bitte prüfen."})
    assert response.status_code == 200
    assert mail.outbox == []
    assert "email" in response.context["form"].errors
    assert "Bitte prüfen.</textarea>" in response.content.decode()


def test_a_failing_mail_server_keeps_the_message(client, settings, caplog):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    response = client.post(URL, {"message": "Bitte nicht verlieren."})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ihre Nachricht konnte gerade nicht gesendet werden." in page
    assert "Bitte nicht verlieren.</textarea>" in page
    assert "Could not mail accessibility feedback" in caplog.text


def test_honeypot_posts_are_dropped_silently(client):
    response = client.post(
        URL, {"message": "Billige Uhren!", "website": "http://spam.example"}, follow=True
    )
    assert mail.outbox == []
    # The robot sees the same thanks as a person would.
    assert response.redirect_chain == [(URL + "#rueckmeldung", 302)]
    assert "Vielen Dank für Ihre Nachricht!" in response.content.decode()


def test_feedback_needs_the_csrf_token(db):
    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post(URL, {"message": "Ohne Token."})
    assert response.status_code == 403
    assert mail.outbox == []
