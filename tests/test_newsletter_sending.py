"""Sending loses nothing and doubles nothing: killed and concurrent workers, an SMTP
server that is away or refuses, one-click unsubscribe, export and erasure."""

import datetime
import json
import threading

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from articles.models import Delivery, DeliveryState, Frequency, Subscriber
from articles.newsletter import mailings, subscriptions

TZ = timezone.get_default_timezone()
MORNING = datetime.datetime(2025, 4, 29, 7, 0, tzinfo=TZ)


def readers(count, city, prefix="leser"):
    result = []
    for n in range(count):
        subscriber = subscriptions.sign_up(
            f"{prefix}{n}@example.org", wants_newsletter=False, frequency=Frequency.DAILY,
            follows={"cities": [city]}, text="Einwilligung")
        subscriptions.confirm(subscriber)
        result.append(subscriber)
    Delivery.objects.all().delete()  # their confirmation mails are not the point here
    return result


@pytest.fixture
def news(make_article):
    with time_machine.travel(MORNING - datetime.timedelta(hours=12), tick=False):
        article = make_article(cities=["Kaiserslautern"],
                               published_at=MORNING - datetime.timedelta(hours=12))
    return article.cities.get()


def alert_count(inbox, address):
    return len(inbox.to(address))


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs, no except clause catches it."""


@pytest.mark.django_db
def test_a_worker_killed_mid_run_leaves_the_rest_to_the_next(mail_server, news, monkeypatch):
    subscribers = readers(10, news)
    sent = []
    original = mailings.Run.finish

    def die_after_four(self, delivery, state, error=""):
        result = original(self, delivery, state, error)
        sent.append(delivery.pk)
        if len(sent) == 4:
            raise Killed
        return result

    monkeypatch.setattr(mailings.Run, "finish", die_after_four)
    with time_machine.travel(MORNING, tick=False), pytest.raises(Killed):
        mailings.send_due(at=MORNING)
    monkeypatch.setattr(mailings.Run, "finish", original)
    assert len(mail_server.inbox.messages) == 4
    # The killed worker's claims wait out their lease; then the next run sends the rest.
    later = MORNING + mailings.CLAIM_LEASE + datetime.timedelta(seconds=1)
    with time_machine.travel(later, tick=False):
        call_command("send_due_mail", verbosity=0, at=later.isoformat())
    for subscriber in subscribers:
        assert alert_count(mail_server.inbox, subscriber.email) == 1, subscriber.email
    assert set(Delivery.objects.values_list("state", flat=True)) == {DeliveryState.SENT}


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_every_mail_exactly_once(mail_server, news, monkeypatch):
    subscribers = readers(30, news)
    mailings.plan(MORNING)  # both workers find the same queue
    if connection.vendor == "sqlite":
        # The test database lives in memory, where SQLite locks whole tables without
        # waiting: the two workers take turns claim by claim instead of threads.
        monkeypatch.setattr(mailings, "BATCH", 3)
        first, second = mailings.Run(MORNING), mailings.Run(MORNING)
        server = mailings.get_connection(fail_silently=False)
        while True:
            a = mailings.claim("worker-a", MORNING)
            b = mailings.claim("worker-b", MORNING)
            assert not set(a) & set(b)
            if not a and not b:
                break
            list(first.send(a, server, "worker-a"))
            list(second.send(b, server, "worker-b"))
        server.close()
    else:
        errors = []

        def worker():
            try:
                mailings.send_due(at=MORNING)
            except Exception as error:  # noqa: BLE001 - reported to the test below
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=worker) for _n in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert errors == []
    for subscriber in subscribers:
        assert alert_count(mail_server.inbox, subscriber.email) == 1, subscriber.email
    assert Delivery.objects.filter(state=DeliveryState.SENT).count() == 30


@pytest.mark.django_db
def test_claims_are_exclusive(news):
    readers(3, news)
    mailings.plan(MORNING)
    first = mailings.claim("worker-a", MORNING, limit=2)
    second = mailings.claim("worker-b", MORNING, limit=10)
    assert len(first) == 2 and len(second) == 1 and not set(first) & set(second)
    assert mailings.claim("worker-c", MORNING) == []


@pytest.mark.django_db
def test_a_catch_up_run_and_a_current_run_never_share_a_claim(news):
    readers(2, news)
    mailings.plan(MORNING)
    # A catch-up for a morning long past claims by the clock, so a worker running now
    # does not take its claims for ones left behind.
    assert len(mailings.claim("catch-up", MORNING)) == 2
    assert mailings.claim("worker-now", timezone.now()) == []


@pytest.mark.django_db
def test_smtp_server_down_then_up_retries_with_back_off(mail_server, news):
    [subscriber] = readers(1, news)
    mail_server.stop()
    with time_machine.travel(MORNING, tick=False):
        call_command("send_due_mail", verbosity=0, at=MORNING.isoformat())
    delivery = Delivery.objects.get()
    assert delivery.state == DeliveryState.PENDING and delivery.attempts == 1
    assert delivery.not_before == MORNING + mailings.FIRST_RETRY
    second = MORNING + datetime.timedelta(seconds=61)
    with time_machine.travel(second, tick=False):
        call_command("send_due_mail", verbosity=0, at=second.isoformat())
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert delivery.not_before == second + 2 * mailings.FIRST_RETRY  # backing off
    mail_server.start()
    too_soon = second + datetime.timedelta(seconds=30)
    call_command("send_due_mail", verbosity=0, at=too_soon.isoformat())
    assert mail_server.inbox.messages == []
    later = second + datetime.timedelta(minutes=5)
    with time_machine.travel(later, tick=False):
        call_command("send_due_mail", verbosity=0, at=later.isoformat())
        call_command("send_due_mail", verbosity=0, at=later.isoformat())
    assert alert_count(mail_server.inbox, subscriber.email) == 1
    assert Delivery.objects.get().state == DeliveryState.SENT


@pytest.mark.django_db
def test_refused_recipients_fail_for_good_or_later(mail_server, news):
    subscriptions.confirm(subscriptions.sign_up(
        "refused@example.org", wants_newsletter=False, frequency=Frequency.DAILY,
        follows={"cities": [news]}, text="x"))
    subscriptions.confirm(subscriptions.sign_up(
        "later@example.org", wants_newsletter=False, frequency=Frequency.DAILY,
        follows={"cities": [news]}, text="x"))
    ok = readers(1, news, prefix="ok")[0]
    with time_machine.travel(MORNING, tick=False):
        call_command("send_due_mail", verbosity=0, at=MORNING.isoformat())
    states = dict(Delivery.objects.values_list("address", "state"))
    assert states == {"refused@example.org": DeliveryState.FAILED,
                      "later@example.org": DeliveryState.PENDING,
                      ok.email: DeliveryState.SENT}
    assert "550" in Delivery.objects.get(address="refused@example.org").error


@pytest.mark.django_db
def test_one_click_unsubscribe(mail_server, news):
    [subscriber] = readers(1, news)
    with time_machine.travel(MORNING, tick=False):
        call_command("send_due_mail", verbosity=0, at=MORNING.isoformat())
    [message] = mail_server.inbox.to(subscriber.email)
    url = str(message["List-Unsubscribe"]).strip()[1:-1].removeprefix("https://www.example.de")
    # A mail client's POST: no page, no cookie, no CSRF token (RFC 8058).
    response = Client(enforce_csrf_checks=True).post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is not None
    assert not subscriber.cities.exists()
    nextday = MORNING + datetime.timedelta(days=1)
    with time_machine.travel(nextday, tick=False):
        call_command("send_due_mail", verbosity=0, at=nextday.isoformat())
    assert alert_count(mail_server.inbox, subscriber.email) == 1
    # A link from the mail, opened in a browser, asks first.
    assert "Jetzt abmelden" in Client().get(url).content.decode()


@pytest.mark.django_db
def test_managing_export_and_erasure_from_the_personal_link(client, mail_server, news):
    [subscriber] = readers(1, news)
    page = client.get(f"/newsletter/verwalten/{subscriber.key}/")
    assert page.status_code == 200 and "Kaiserslautern" in page.content.decode()
    response = client.post(f"/newsletter/verwalten/{subscriber.key}/", {
        "action": "save", "frequency": Frequency.WEEKLY, "wants_newsletter": "on"})
    assert response.status_code == 200 and "Gespeichert" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.frequency == Frequency.WEEKLY and subscriber.wants_newsletter
    assert not subscriber.cities.exists()

    response = client.post(f"/newsletter/verwalten/{subscriber.key}/", {"action": "export"})
    data = json.loads(response.content)
    assert response["Content-Disposition"].startswith("attachment")
    assert data["email"] == subscriber.email and data["consent"]["text"] == "Einwilligung"
    assert data["consent"]["confirmed_at"]

    refused = client.post(f"/newsletter/verwalten/{subscriber.key}/", {"action": "erase"})
    assert refused.status_code == 400 and Subscriber.objects.exists()
    response = client.post(f"/newsletter/verwalten/{subscriber.key}/",
                           {"action": "erase", "sure": "1"})
    assert "gelöscht" in response.content.decode()
    assert not Subscriber.objects.exists() and not Delivery.objects.exists()
    assert client.get(f"/newsletter/verwalten/{subscriber.key}/").status_code == 404


@pytest.mark.django_db
def test_unknown_personal_links_are_404(client):
    assert client.get("/newsletter/verwalten/nichts/").status_code == 404
    assert client.post("/newsletter/abmelden/nichts/").status_code == 404


def test_email_url_is_read_from_the_environment(monkeypatch):
    import subprocess
    import sys

    script = ("import django; django.setup(); from django.conf import settings as s; "
              "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, "
              "s.EMAIL_HOST_PASSWORD, s.EMAIL_USE_TLS)")
    env = {"DJANGO_SETTINGS_MODULE": "newsroom.settings", "NEWSROOM_ENV": "test",
           "EMAIL_URL": "smtp://nutzer:geheim@mail.example.de:587", "PATH": "/usr/bin"}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                         text=True, check=True).stdout.split()
    assert out == ["django.core.mail.backends.smtp.EmailBackend", "mail.example.de", "587",
                   "nutzer", "geheim", "True"]
    env["EMAIL_URL"] = "consolemail://"
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                         text=True, check=True).stdout.split()
    assert out[0] == "django.core.mail.backends.console.EmailBackend"


@pytest.mark.django_db
def test_the_worker_command_queues_its_tick():
    from django_tasks_db.models import DBTaskResult

    from articles.newsletter import tasks

    tasks.schedule_tick()
    tasks.schedule_tick()
    assert DBTaskResult.objects.filter(task_path=tasks.tick.module_path).count() == 1
    subscriber = subscriptions.sign_up("a@example.org", wants_newsletter=True,
                                       frequency=Frequency.DAILY, follows={}, text="x")
    assert subscriber.deliveries.count() == 1
