"""Following a place by e-mail, in headless Chromium: a visitor follows Kaiserslautern from
its page and confirms from the mail, an editor publishes an article about it, the alert
arrives with the article, and its unsubscribe link works. Mails go through a real SMTP
server (aiosmtpd)."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Frequency, Status, Subscriber
from articles.newsletter import mailings
from tests.browser.conftest import log_in
from tests.mailserver import subject, text_of

READER = "buergeramt@kaiserslautern.example"
HEADLINE = "Kaiserslautern öffnet das digitale Bürgerbüro"


def link_in(message, path):
    return re.search(rf"https?://[^/\s]+({path}[^\s]*/)", text_of(message)).group(1)


def test_a_visitor_follows_a_place_and_gets_the_alert(new_page, staff, make_article,
                                                      mail_server, settings, live_server):
    settings.NEWSROOM_SITE_URL = live_server.url
    city = make_article(cities=["Kaiserslautern"], topics=["Verwaltung"]).cities.get()

    visitor = new_page()
    visitor.goto(city.get_absolute_url())
    visitor.get_by_role("link", name="Per E-Mail folgen").click()
    expect(visitor.locator("#id_cities option:checked")).to_have_text("Kaiserslautern")
    visitor.fill("#id_email", READER)
    visitor.get_by_label("sofort gebündelt").check()
    visitor.get_by_label("Einwilligung").check()
    visitor.get_by_role("button", name="Anmelden").click()
    expect(visitor.locator("h1")).to_have_text("Bitte bestätigen Sie Ihre Anmeldung")

    mailings.send_due()  # what the worker does
    [confirmation] = mail_server.inbox.to(READER)
    visitor.goto(link_in(confirmation, "/newsletter/bestaetigen/"))
    visitor.get_by_role("button", name="Ja, Anmeldung bestätigen").click()
    expect(visitor.locator("h1")).to_have_text("Anmeldung bestätigt")
    reader = Subscriber.objects.get(email=READER)
    assert reader.confirmed_at and reader.frequency == Frequency.INSTANT

    draft = make_article(status=Status.DRAFT, headline=HEADLINE, kicker="Kaiserslautern",
                         teaser="Anträge gibt es jetzt rund um die Uhr online.",
                         cities=[city], topics=["Verwaltung"])
    editor = new_page()
    log_in(editor, "erik")
    editor.goto(f"/admin/articles/article/{draft.pk}/change/")
    editor.click("button[value=publish]")
    editor.wait_for_url("**/admin/articles/article/")
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED

    mailings.send_due(at=timezone.now() + datetime.timedelta(minutes=11))  # the next run
    [_confirmation, alert] = mail_server.inbox.to(READER)
    assert subject(alert) == f"Neu: {HEADLINE}"
    assert "Anträge gibt es jetzt rund um die Uhr online." in text_of(alert)

    visitor.goto(link_in(alert, "/newsletter/abmelden/"))
    visitor.get_by_role("button", name="Jetzt abmelden").click()
    expect(visitor.locator("h1")).to_have_text("Sie sind abgemeldet")
    reader.refresh_from_db()
    assert reader.unsubscribed_at is not None
