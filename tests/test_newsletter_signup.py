"""Signing up with double opt-in, through the real stack and a real SMTP server."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles.models import City, Delivery, Frequency, Subscriber
from articles.newsletter import subscriptions
from tests.mailserver import html_of, subject, text_of

pytestmark = pytest.mark.django_db

SIGNUP = reverse("newsletter:subscribe")


def sign_up(client, email="leser@example.org", forwarded_for=None, **fields):
    data = {"email": email, "frequency": Frequency.DAILY, "consent": "on",
            "wants_newsletter": "on", **fields}
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    return client.post(SIGNUP, data, **headers)


def confirm_link(message):
    return re.search(r"https?://[^/\s]+(/newsletter/bestaetigen/[^/\s]+/)",
                     text_of(message)).group(1)


def test_sign_up_sends_a_confirmation_and_nothing_else(client, mail_server, make_article):
    city = make_article(cities=["Kaiserslautern"]).cities.get()
    response = client.get(SIGNUP, {"kommune": city.slug})
    assert response.status_code == 200
    page = response.content.decode()
    assert f'value="{city.slug}" selected' in page
    assert "Datenschutzerklärung" in page

    response = sign_up(client, email="Leser@Example.ORG", cities=[city.slug])
    assert response.status_code == 302
    assert response["Location"] == reverse("newsletter:thanks")
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "leser@example.org"
    assert subscriber.confirmed_at is None
    assert "Kaiserslautern" in subscriber.consent_text and subscriber.consent_at

    call_command("send_due_mail", verbosity=0)
    [message] = mail_server.inbox.to("leser@example.org")
    assert subject(message).startswith("Bitte bestätigen Sie Ihre Anmeldung")
    assert message["From"] == "Kommune digital <newsletter@example.org>"
    assert 'lang="de"' in html_of(message)
    assert "List-Unsubscribe" not in message  # not subscribed yet

    # An alert run meanwhile sends nothing to the unconfirmed address.
    make_article(cities=[city], published_at=timezone.now() - timedelta(minutes=1))
    call_command("send_due_mail", verbosity=0,
                 at=(timezone.now() + timedelta(days=1)).isoformat())
    assert len(mail_server.inbox.to("leser@example.org")) == 1

    link = confirm_link(message)
    page = client.get(link)
    assert page.status_code == 200 and "Anmeldung bestätigen" in page.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is None  # a mail scanner opening the link confirms nothing
    page = client.post(link)
    assert "Anmeldung bestätigt" in page.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is not None


def test_the_answer_is_the_same_for_known_and_unknown_addresses(client, mail_server):
    first = sign_up(client, email="bekannt@example.org")
    subscriptions.confirm(Subscriber.objects.get())
    again = sign_up(client, email="bekannt@example.org")
    other = sign_up(client, email="neu@example.org")
    assert first.status_code == again.status_code == other.status_code == 302
    assert first["Location"] == again["Location"] == other["Location"]
    call_command("send_due_mail", verbosity=0)
    known = mail_server.inbox.to("bekannt@example.org")
    # The confirmed reader gets their personal link, and keeps what they follow.
    assert "verwalten" in text_of(known[-1])


def test_expired_and_forged_links_say_why(client, mail_server):
    sign_up(client)
    call_command("send_due_mail", verbosity=0)
    link = confirm_link(mail_server.inbox.to("leser@example.org")[0])
    forged = link[:-3] + ("A" if link[-3] != "A" else "B") + link[-2:]
    response = client.post(forged)
    assert response.status_code == 400
    assert "ungültig" in response.content.decode()
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        response = client.post(link)
    assert response.status_code == 400
    assert "abgelaufen" in response.content.decode()
    assert Subscriber.objects.get().confirmed_at is None


def test_honeypot_drops_robots_silently(client, mail_server):
    response = sign_up(client, website="http://spam.example")
    assert response.status_code == 302
    assert not Subscriber.objects.exists()


def test_bad_input_keeps_what_was_typed(client):
    response = sign_up(client, email="kein-adresse", wants_newsletter="")
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="kein-adresse"' in page
    assert "gültige E-Mail-Adresse" in page
    response = sign_up(client, wants_newsletter="")
    assert "mindestens eine Kommune" in response.content.decode()


def test_nonsense_parameters_give_the_normal_page(client):
    for query in ({"kommune": "<script>"}, {"thema": "x" * 5000}, {"person": ["a", "b"]}):
        assert client.get(SIGNUP, query).status_code == 200


def test_sign_ups_are_limited_per_client_address_behind_proxies(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.NEWSLETTER_SIGNUPS_PER_ADDRESS = 2
    for n in range(2):
        assert sign_up(client, email=f"a{n}@example.org",
                       forwarded_for="203.0.113.5").status_code == 302
    response = sign_up(client, email="a3@example.org", forwarded_for="203.0.113.5")
    assert response.status_code == 429
    page = response.content.decode()
    assert "zu viele" in page and 'value="a3@example.org"' in page
    # Another client behind the same proxy is not affected.
    assert sign_up(client, email="b@example.org",
                   forwarded_for="198.51.100.7").status_code == 302


def test_sign_ups_are_limited_per_recipient_without_telling(client, settings, mail_server):
    settings.NEWSLETTER_SIGNUPS_PER_RECIPIENT = 2
    for _n in range(4):
        assert sign_up(client, email="opfer@example.org").status_code == 302
    call_command("send_due_mail", verbosity=0)
    assert len(mail_server.inbox.to("opfer@example.org")) == 2


def test_place_and_topic_pages_link_to_following_by_mail(client, make_article):
    article = make_article(cities=["Kaiserslautern"], topics=["Verkehr"])
    city, topic = article.cities.get(), article.topics.get()
    page = client.get(city.get_absolute_url())
    assert "set-cookie" not in (h.lower() for h in page.headers)
    assert f'/newsletter/?kommune={city.slug}"' in page.content.decode()
    assert f'/newsletter/?thema={topic.slug}"' in client.get(
        topic.get_absolute_url()).content.decode()
    assert "/newsletter/" in client.get("/").content.decode()


def test_regions_may_be_followed_before_an_article_is_about_them(client):
    City.objects.create(name="Ortenaukreis", kind="landkreis")
    City.objects.create(name="Geheimort")
    page = client.get(SIGNUP).content.decode()
    assert "Ortenaukreis" in page and "Geheimort" not in page
    assert not Delivery.objects.exists()
