"""Alerts: followers of a place (with its Kreis and Land), a topic, a person or an
organisation get what went live, once per run of their frequency, through real SMTP."""

import datetime
import re

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from articles.editorial import livecopy, workflow
from articles.models import (
    Article,
    City,
    Delivery,
    DeliveryState,
    Frequency,
    ImageCredit,
    Organisation,
    Person,
    Status,
    Subscriber,
    Topic,
    Transition,
)
from articles.newsletter import subscriptions
from tests.conftest import jpeg_bytes
from tests.mailserver import html_of, subject, text_of

pytestmark = pytest.mark.django_db

TZ = timezone.get_default_timezone()
# Monday, 28 April 2025, in the site's time zone.
MONDAY = datetime.datetime(2025, 4, 28, tzinfo=TZ)


def at(day, hour, minute=0):
    return MONDAY + datetime.timedelta(days=day, hours=hour, minutes=minute)


def run(when):
    with time_machine.travel(when, tick=False):
        call_command("send_due_mail", verbosity=0, at=when.isoformat())


def reader(email, frequency=Frequency.DAILY, **follows):
    subscriber = subscriptions.sign_up(email, wants_newsletter=False, frequency=frequency,
                                       follows=follows, text="Einwilligung")
    subscriptions.confirm(subscriber)
    return subscriber


@pytest.fixture
def places():
    land = City.objects.create(name="Rheinland-Pfalz", kind="land", state="RP", ags="07")
    kreis = City.objects.create(name="Landkreis Kaiserslautern", kind="landkreis",
                                state="RP", ags="07335", parent=land)
    gemeinde = City.objects.create(name="Otterberg", kind="stadt", state="RP",
                                   ags="07335025", parent=kreis)
    return {"land": land, "kreis": kreis, "gemeinde": gemeinde,
            "anderswo": City.objects.create(name="Jena", kind="kreisfreie-stadt")}


@pytest.fixture
def article_at(make_article):
    def make(when, **fields):
        with time_machine.travel(when, tick=False):
            return make_article(published_at=when, **fields)
    return make


def test_followers_of_the_place_its_kreis_its_land_and_topic_get_the_article(
        mail_server, places, article_at, make_image):
    topic = Topic.objects.create(name="Verkehr")
    person = Person.objects.create(name="Ilona Benz")
    organisation = Organisation.objects.create(name="KL.digital")
    readers = {
        "gemeinde": reader("gemeinde@example.org", cities=[places["gemeinde"]]),
        "kreis": reader("kreis@example.org", cities=[places["kreis"]]),
        "land": reader("land@example.org", cities=[places["land"]]),
        "topic": reader("thema@example.org", topics=[topic]),
        "person": reader("person@example.org", people=[person]),
        "organisation": reader("org@example.org", organisations=[organisation]),
    }
    elsewhere = reader("jena@example.org", cities=[places["anderswo"]])
    mail_server.inbox.clear()
    image = make_image(content=jpeg_bytes(1280, 720), alt_text="Das Rathaus",
                       credit=ImageCredit.objects.create(creator="Thomas Kierok"))
    article = article_at(at(0, 10), headline="Otterberg digitalisiert das Bürgerbüro",
                         kicker="Otterberg", teaser="Termine gibt es jetzt online.",
                         lead_image=image, cities=[places["gemeinde"]], topics=[topic],
                         people=[person], organisations=[organisation])
    run(at(1, 7))
    for subscriber in readers.values():
        messages = mail_server.inbox.to(subscriber.email)
        assert len(messages) == 1, subscriber.email
        message = messages[0]
        assert subject(message) == "Neu: Otterberg digitalisiert das Bürgerbüro"
        text, html = text_of(message), html_of(message)
        for part in (text, html):
            assert "Otterberg digitalisiert das Bürgerbüro" in part
            assert "Termine gibt es jetzt online." in part
            assert "Thomas Kierok" in part
            assert f"https://www.example.de{article.get_absolute_url()}" in part
        assert 'lang="de"' in html and 'alt="Das Rathaus"' in html
        assert re.search(r'<img src="https://www\.example\.de/media/[^"]+"', html)
        assert "<script" not in html and "<link" not in html and "@import" not in html
        # Links go straight to the site: no redirects through a tracker, no pixel.
        assert all(url.startswith("https://www.example.de/")
                   for url in re.findall(r'(?:href|src)="([^"]+)"', html))
        unsubscribe = f"https://www.example.de/newsletter/abmelden/{subscriber.key}/"
        assert str(message["List-Unsubscribe"]).strip() == f"<{unsubscribe}>"
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert f"/newsletter/verwalten/{subscriber.key}/" in text
    assert mail_server.inbox.to(elsewhere.email) == []


def test_each_frequency_batches_into_one_mail_per_run(mail_server, places, article_at):
    follows = {"cities": [places["kreis"]]}
    instant = reader("sofort@example.org", Frequency.INSTANT, **follows)
    daily = reader("taeglich@example.org", Frequency.DAILY, **follows)
    weekly = reader("woechentlich@example.org", Frequency.WEEKLY, **follows)
    mail_server.inbox.clear()
    first = article_at(at(0, 10, 3), headline="Erste Meldung", cities=[places["gemeinde"]])
    second = article_at(at(0, 10, 5), headline="Zweite Meldung", cities=[places["kreis"]])

    run(at(0, 10, 10))
    [mail] = mail_server.inbox.to(instant.email)
    assert "Zweite Meldung" in text_of(mail) and "Erste Meldung" in text_of(mail)
    assert subject(mail).startswith("2 neue Meldungen")
    assert not mail_server.inbox.to(daily.email) and not mail_server.inbox.to(weekly.email)

    run(at(0, 10, 20))  # nothing new since
    run(at(0, 18))
    assert len(mail_server.inbox.to(instant.email)) == 1
    assert not mail_server.inbox.to(daily.email)

    run(at(1, 7))
    [mail] = mail_server.inbox.to(daily.email)
    assert first.headline in text_of(mail) and second.headline in text_of(mail)
    assert not mail_server.inbox.to(weekly.email)

    run(at(2, 7))  # the next day: nothing new
    run(at(7, 7))
    [mail] = mail_server.inbox.to(weekly.email)
    assert first.headline in text_of(mail) and second.headline in text_of(mail)
    assert len(mail_server.inbox.to(daily.email)) == 1
    assert len(mail_server.inbox.to(instant.email)) == 1


def test_a_run_missed_is_caught_up_by_the_next(mail_server, places, article_at):
    daily = reader("taeglich@example.org", cities=[places["gemeinde"]])
    mail_server.inbox.clear()
    run(at(0, 7))
    article_at(at(0, 12), headline="Am Montag", cities=[places["gemeinde"]])
    article_at(at(1, 12), headline="Am Dienstag", cities=[places["gemeinde"]])
    run(at(2, 8))  # the run of Tuesday 7:00 never happened
    [mail] = mail_server.inbox.to(daily.email)
    assert "Am Montag" in text_of(mail) and "Am Dienstag" in text_of(mail)


def test_drafts_working_copies_scheduled_and_withdrawn_articles_never_go_out(
        mail_server, places, article_at, make_article, editor):
    city = places["gemeinde"]
    follower = reader("leser@example.org", cities=[city])
    mail_server.inbox.clear()
    with time_machine.travel(at(0, 9), tick=False):
        make_article(status=Status.DRAFT, headline="Entwurf bleibt intern", cities=[city])
        make_article(status=Status.REVIEW, headline="In Prüfung bleibt intern",
                     cities=[city])
    article_at(at(2, 9), headline="Terminiert für später", cities=[city])
    withdrawn = article_at(at(0, 10), headline="Zurückgezogen", cities=[city])
    live = article_at(at(0, 11), headline="Die veröffentlichte Fassung", cities=[city])
    with time_machine.travel(at(0, 12), tick=False):
        content = livecopy.content_of(live)
        livecopy.save(live, {**content, "headline": "Arbeitskopie: noch geheim"}, editor,
                      expected_version=live.version)
        workflow.perform(Article.objects.get(pk=withdrawn.pk), Transition.REOPEN, editor)
    run(at(1, 7))
    [mail] = mail_server.inbox.to(follower.email)
    text = text_of(mail) + html_of(mail)
    assert "Die veröffentlichte Fassung" in text
    for secret in ("Entwurf bleibt intern", "In Prüfung", "Terminiert für später",
                   "Zurückgezogen", "Arbeitskopie"):
        assert secret not in text


def test_an_article_withdrawn_while_a_run_waits_is_not_sent(mail_server, places, article_at):
    follower = reader("leser@example.org", Frequency.INSTANT, cities=[places["gemeinde"]])
    mail_server.inbox.clear()
    article = article_at(at(0, 10, 1), cities=[places["gemeinde"]])
    mail_server.stop()  # the run is planned, but cannot send yet
    run(at(0, 10, 10))
    assert Delivery.objects.filter(subscriber=follower, state=DeliveryState.PENDING).exists()
    Article.objects.filter(pk=article.pk).update(status=Status.DRAFT)
    mail_server.start()
    run(at(0, 10, 15))
    assert mail_server.inbox.to(follower.email) == []
    assert Delivery.objects.get(subscriber=follower, mailing__kind="alert",
                                mailing__frequency="instant").state == DeliveryState.SKIPPED


def test_published_changes_go_out_again(mail_server, places, article_at, editor):
    follower = reader("leser@example.org", Frequency.INSTANT, cities=[places["gemeinde"]])
    mail_server.inbox.clear()
    article = article_at(at(0, 10, 1), headline="Alte Zahl", cities=[places["gemeinde"]])
    run(at(0, 10, 10))
    with time_machine.travel(at(0, 10, 12), tick=False):
        livecopy.save(article, {**livecopy.content_of(article), "headline": "Neue Zahl"},
                      editor, expected_version=Article.objects.get(pk=article.pk).version)
        workflow.perform(Article.objects.get(pk=article.pk), Transition.PUBLISH_CHANGES,
                         editor)
    run(at(0, 10, 20))
    first, second = mail_server.inbox.to(follower.email)
    assert "Alte Zahl" in text_of(first) and "Neue Zahl" in text_of(second)


def test_unconfirmed_and_unsubscribed_readers_get_no_alert(mail_server, places, article_at):
    city = places["gemeinde"]
    subscriptions.sign_up("offen@example.org", wants_newsletter=False,
                          frequency=Frequency.DAILY, follows={"cities": [city]}, text="x")
    gone = reader("weg@example.org", cities=[city])
    subscriptions.unsubscribe(gone)
    run(at(0, 6))  # sends the confirmation
    mail_server.inbox.clear()
    article_at(at(0, 10), cities=[city])
    run(at(1, 7))
    assert mail_server.inbox.messages == []
    assert Subscriber.objects.count() == 2


def test_a_scheduled_update_goes_out_even_when_no_visitor_came(mail_server, places,
                                                               article_at, editor):
    follower = reader("leser@example.org", Frequency.INSTANT, cities=[places["gemeinde"]])
    article = article_at(at(0, 9), headline="Vorläufige Zahlen", cities=[places["gemeinde"]])
    run(at(0, 9, 10))
    mail_server.inbox.clear()
    with time_machine.travel(at(0, 9, 12), tick=False):
        livecopy.save(article, {**livecopy.content_of(article), "headline": "Endgültige Zahlen"},
                      editor, expected_version=Article.objects.get(pk=article.pk).version)
        workflow.perform(Article.objects.get(pk=article.pk), Transition.SCHEDULE_CHANGES,
                         editor, publish_at=at(0, 9, 25))
    run(at(0, 9, 30))
    [mail] = mail_server.inbox.to(follower.email)
    assert "Endgültige Zahlen" in text_of(mail)
