"""The editorial newsletter: journalists prepare an issue in the admin, editors send it."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from articles.models import Frequency, IssueArticle, IssueState, NewsletterIssue, Status
from articles.newsletter import subscriptions
from tests.mailserver import html_of, subject, text_of

pytestmark = pytest.mark.django_db

ADD = "/admin/articles/newsletterissue/add/"


def reader(email, newsletter=True, confirm=True):
    subscriber = subscriptions.sign_up(email, wants_newsletter=newsletter,
                                       frequency=Frequency.DAILY, follows={}, text="x")
    if confirm:
        subscriptions.confirm(subscriber)
    return subscriber


def issue_data(articles, **fields):
    data = {"subject": "Die Woche in den Kommunen", "intro": "Liebe Leserinnen und Leser,",
            "items-TOTAL_FORMS": str(len(articles)), "items-INITIAL_FORMS": "0",
            "items-MIN_NUM_FORMS": "0", "items-MAX_NUM_FORMS": "1000", **fields}
    for n, article in enumerate(articles):
        data[f"items-{n}-article"] = str(article.pk)
        data[f"items-{n}-position"] = str(n + 1)
    return data


def send(client, issue, action, **data):
    return client.post(f"/admin/articles/newsletterissue/{issue.pk}/versand/",
                       {"action": action, **data})


def test_a_journalist_prepares_and_tests_an_editor_sends(
        journalist_client, journalist, editor_client, make_article, mail_server):
    journalist.email = "jana@example.org"
    journalist.save()
    this_week = make_article(headline="Neu in dieser Woche", kicker="Jena",
                             published_at=timezone.now() - datetime.timedelta(days=2))
    second = make_article(headline="Auch diese Woche",
                          published_at=timezone.now() - datetime.timedelta(days=1))
    make_article(headline="Vor einem Monat",
                 published_at=timezone.now() - datetime.timedelta(days=30))
    draft = make_article(status=Status.DRAFT, headline="Noch ein Entwurf")

    page = journalist_client.get(ADD).content.decode()
    assert f'<option value="{this_week.pk}" selected>' in page  # the week is proposed
    assert "Noch ein Entwurf" not in page  # only published articles can be chosen

    refused = journalist_client.post(ADD, issue_data([draft]))
    assert refused.status_code == 200 and "gültige Auswahl" in refused.content.decode()
    response = journalist_client.post(ADD, issue_data([second, this_week]))
    assert response.status_code == 302
    issue = NewsletterIssue.objects.get()
    assert [i.article for i in IssueArticle.objects.filter(issue=issue)] == [second, this_week]

    preview = journalist_client.get(f"/admin/articles/newsletterissue/{issue.pk}/vorschau/")
    html = preview.content.decode()
    assert html.index("Auch diese Woche") < html.index("Neu in dieser Woche")

    assert send(journalist_client, issue, "now").status_code == 403
    assert send(journalist_client, issue, "test").status_code == 302
    fan = reader("fan@example.org")
    reader("nur-alerts@example.org", newsletter=False)
    reader("offen@example.org", confirm=False)
    call_command("send_due_mail", verbosity=0)
    [test_mail] = mail_server.inbox.to("jana@example.org")
    assert "Testversand" in text_of(test_mail)
    # Only the test went out (confirmed before the worker came, fan needs no confirmation).
    assert [to for to, _m in mail_server.inbox.messages] == ["jana@example.org",
                                                             "offen@example.org"]

    mail_server.inbox.clear()
    assert send(editor_client, issue, "now").status_code == 302
    call_command("send_due_mail", verbosity=0)
    call_command("send_due_mail", verbosity=0)
    [mail] = mail_server.inbox.to(fan.email)
    assert subject(mail) == "Die Woche in den Kommunen"
    assert "Liebe Leserinnen und Leser," in text_of(mail)
    assert "Neu in dieser Woche" in html_of(mail) and "Testversand" not in text_of(mail)
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert [to for to, _m in mail_server.inbox.messages] == [fan.email]
    issue.refresh_from_db()
    assert issue.state == IssueState.SENT
    assert send(editor_client, issue, "now").status_code == 302  # refused: sent already
    call_command("send_due_mail", verbosity=0)
    assert len(mail_server.inbox.messages) == 1


def test_a_scheduled_issue_goes_out_at_its_time_without_withdrawn_articles(
        editor_client, make_article, mail_server):
    fan = reader("fan@example.org")
    call_command("send_due_mail", verbosity=0)  # its confirmation
    mail_server.inbox.clear()
    kept = make_article(headline="Bleibt online")
    withdrawn = make_article(headline="Wird zurückgezogen")
    issue = NewsletterIssue.objects.create(subject="Ausgabe 12")
    IssueArticle.objects.create(issue=issue, article=kept, position=1)
    IssueArticle.objects.create(issue=issue, article=withdrawn, position=2)
    when = timezone.localtime() + datetime.timedelta(days=1)
    send(editor_client, issue, "schedule", send_at=when.strftime("%Y-%m-%dT%H:%M"))
    issue.refresh_from_db()
    assert issue.state == IssueState.SCHEDULED
    call_command("send_due_mail", verbosity=0)
    assert mail_server.inbox.messages == []
    withdrawn.status = Status.DRAFT
    withdrawn.save()
    later = when + datetime.timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        call_command("send_due_mail", verbosity=0, at=later.isoformat())
    [mail] = mail_server.inbox.to(fan.email)
    assert "Bleibt online" in text_of(mail) and "Wird zurückgezogen" not in text_of(mail)


def test_scheduling_needs_a_time_and_can_be_taken_back(editor_client, make_article):
    issue = NewsletterIssue.objects.create(subject="Ausgabe 13")
    IssueArticle.objects.create(issue=issue, article=make_article(), position=1)
    response = send(editor_client, issue, "schedule", send_at="morgen früh")
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.state == IssueState.DRAFT
    page = editor_client.get(response["Location"]).content.decode()
    assert "Bitte geben Sie Datum und Uhrzeit" in page
    send(editor_client, issue, "schedule", send_at="2030-01-01T08:00")
    send(editor_client, issue, "unschedule")
    issue.refresh_from_db()
    assert issue.state == IssueState.DRAFT and issue.send_at is None
