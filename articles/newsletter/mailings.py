"""Sending that loses nothing and doubles nothing: the one writer of mailings and
deliveries.

Every (mailing, recipient) pair is a Delivery row, made once (a unique constraint), and a
worker sends one only after claiming it: on PostgreSQL with SELECT ... FOR UPDATE SKIP
LOCKED, elsewhere (SQLite) with a conditional UPDATE that only one worker's can change
(state still "pending", claimed by nobody). Two workers therefore never send the same
mail. A worker stopped mid-run leaves its unsent pairs pending, and those it had claimed
go back to the queue after CLAIM_LEASE. The one mail a worker is killed in the middle of
sending may go out again; its Message-ID is the same, so mail clients show it once.

An SMTP server that is away or refuses for now (4xx) sends the pair back to the queue
with a back-off; a recipient refused for good (5xx) is marked undeliverable.
"""

import contextlib
import datetime
import logging
import smtplib
import uuid

from django.core.mail import get_connection
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from articles.editorial import workflow
from articles.models import (
    Article,
    Delivery,
    DeliveryState,
    IssueState,
    Mailing,
    MailingKind,
    NewsletterIssue,
    Subscriber,
)

from . import alerts, links, render

logger = logging.getLogger(__name__)

BATCH = 200
CLAIM_LEASE = datetime.timedelta(minutes=15)
MAX_ATTEMPTS = 8
FIRST_RETRY = datetime.timedelta(minutes=1)
LONGEST_RETRY = datetime.timedelta(hours=6)


class ServerAway(Exception):
    """The SMTP server cannot be reached: stop the run, the queue waits."""


def queue_single(kind, subscriber, *, address=None, issue=None, now=None):
    """One mail to one address (a confirmation, a test of an issue), sent by the worker."""
    mailing = Mailing.objects.create(kind=kind, issue=issue, created_at=now or timezone.now())
    Delivery.objects.create(mailing=mailing, subscriber=subscriber,
                            address=address or subscriber.email,
                            not_before=mailing.created_at)
    return mailing


def schedule_issue(issue, at):
    """Send `issue` at `at` (now or later); an issue goes out once."""
    return bool(NewsletterIssue.objects.filter(pk=issue.pk, state=IssueState.DRAFT).update(
        state=IssueState.SCHEDULED, send_at=at))


def unschedule_issue(issue):
    return bool(NewsletterIssue.objects.filter(pk=issue.pk, state=IssueState.SCHEDULED)
                .update(state=IssueState.DRAFT, send_at=None))


def plan(at):
    """Create the mailings due at `at` with their deliveries: each frequency's alert run
    and the scheduled newsletter issues. Safe to run by several workers at once."""
    for frequency in alerts.PERIOD:
        end = alerts.slot_end(frequency, at)
        if Mailing.objects.filter(kind=MailingKind.ALERT, frequency=frequency,
                                  window_end=end).exists():
            continue
        previous = (Mailing.objects.filter(kind=MailingKind.ALERT, frequency=frequency,
                                           window_end__lt=end)
                    .order_by("-window_end").values_list("window_end", flat=True).first())
        start = previous or end - alerts.PERIOD[frequency]
        _create(Mailing(kind=MailingKind.ALERT, frequency=frequency, window_start=start,
                        window_end=end, created_at=at),
                alerts.recipients(frequency), at)
    for issue in NewsletterIssue.objects.filter(state=IssueState.SCHEDULED, send_at__lte=at):
        with transaction.atomic():
            if NewsletterIssue.objects.filter(pk=issue.pk, state=IssueState.SCHEDULED).update(
                    state=IssueState.SENT):
                _create(Mailing(kind=MailingKind.NEWSLETTER, issue=issue, created_at=at),
                        Subscriber.objects.confirmed().filter(wants_newsletter=True), at)


def _create(mailing, subscribers, at):
    """The mailing and one delivery per subscriber, all or nothing; a mailing another
    worker made first is left to it."""
    try:
        with transaction.atomic():
            mailing.save()
            Delivery.objects.bulk_create(
                (Delivery(mailing=mailing, subscriber_id=pk, address=email, not_before=at)
                 for pk, email in subscribers.values_list("pk", "email").iterator()),
                batch_size=1000, ignore_conflicts=True,
            )
    except IntegrityError:
        return


def due(at, now):
    """Deliveries due at `at`, and those a worker claimed but left before `now` minus the
    lease. Claims are timed by the clock, never by `--at`: a catch-up run for a past time
    must not take over the claims of a worker busy now."""
    return Delivery.objects.filter(
        Q(state=DeliveryState.PENDING, not_before__lte=at)
        | Q(state=DeliveryState.SENDING, claimed_at__lt=now - CLAIM_LEASE)
    ).order_by("pk")


def claim(worker, at, limit=BATCH):
    """Claim up to `limit` due deliveries for `worker`; their ids. No other worker gets
    them (until CLAIM_LEASE has passed without their being sent)."""
    now = timezone.now()
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            ids = list(due(at, now).select_for_update(skip_locked=True)
                       .values_list("pk", flat=True)[:limit])
            Delivery.objects.filter(pk__in=ids).update(
                state=DeliveryState.SENDING, claimed_at=now, claimed_by=worker)
        return ids
    ids = []
    for pk, state, claimed_by in due(at, now).values_list("pk", "state", "claimed_by")[:limit]:
        # Changes the row only if nobody claimed it since we read it.
        if Delivery.objects.filter(pk=pk, state=state, claimed_by=claimed_by).update(
                state=DeliveryState.SENDING, claimed_at=now, claimed_by=worker):
            ids.append(pk)
    return ids


def send_due(at=None, worker=None):
    """Plan what is due at `at` (default: now) and send every due delivery; a summary
    {state: count} of this run."""
    at = at or timezone.now()
    worker = worker or uuid.uuid4().hex
    # Scheduled updates go live with the first request after their time; on a quiet
    # site that may be this run, whose alerts should carry them.
    workflow.publish_due_changes()
    plan(at)
    summary = {}
    run = Run(at)
    mail_server = get_connection(fail_silently=False)
    try:
        while ids := claim(worker, at):
            for state in run.send(ids, mail_server, worker):
                summary[state] = summary.get(state, 0) + 1
    except ServerAway:
        summary["retry"] = summary.get("retry", 0) + 1
    finally:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            mail_server.close()
    return summary


class Run:
    """What one run loads once and shares between its mails: each alert window's
    articles, each issue's articles, each article's rendered block."""

    def __init__(self, at):
        self.at = at
        self.windows = {}
        self.issues = {}
        self.blocks = {}

    def send(self, ids, mail_server, worker):
        deliveries = list(Delivery.objects.filter(pk__in=ids, claimed_by=worker)
                          .select_related("mailing__issue", "subscriber").order_by("pk"))
        follows = alerts.follows_of([d.subscriber_id for d in deliveries
                                     if d.mailing.kind == MailingKind.ALERT])
        try:
            mail_server.open()
        except (OSError, smtplib.SMTPException) as error:
            self.server_away(deliveries, error)
        for n, delivery in enumerate(deliveries):
            mail = self.build(delivery, follows)
            if mail is None:
                yield self.finish(delivery, DeliveryState.SKIPPED)
                continue
            mail.connection = mail_server
            try:
                mail.send()
            except smtplib.SMTPRecipientsRefused as error:
                code = min(code for code, _message in error.recipients.values())
                yield self.failed(delivery, code, str(error.recipients))
            except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as error:
                yield self.failed(delivery, error.smtp_code, str(error))
            except (OSError, smtplib.SMTPException) as error:
                self.server_away(deliveries[n:], error)
            else:
                yield self.finish(delivery, DeliveryState.SENT)

    def server_away(self, deliveries, error):
        """Back to the queue with a back-off, all this batch had left; the run ends."""
        logger.warning("Mail server away, sending resumes later: %s", error)
        for delivery in deliveries:
            self.retry(delivery, str(error) or error.__class__.__name__)
        raise ServerAway from error

    def build(self, delivery, follows):
        """The mail for `delivery`, or None when there is nothing to send (any more)."""
        mailing, subscriber = delivery.mailing, delivery.subscriber
        message_id = render.message_id(delivery)
        if mailing.kind == MailingKind.CONFIRMATION:
            if subscriber.confirmed_at and subscriber.confirmed_at >= mailing.created_at:
                return None  # confirmed since it was asked for: nothing left to confirm

            return render.message(
                to=delivery.address, subject=render.confirmation_subject(subscriber),
                template="confirmation", subscriber=subscriber, message_id=message_id,
                context={"confirm_url": render.absolute(
                    reverse("newsletter:confirm", args=[links.confirmation_token(subscriber)])),
                    "confirmed": subscriber.confirmed_at is not None
                    and subscriber.unsubscribed_at is None},
            )
        if subscriber is not None and (subscriber.confirmed_at is None
                                       or subscriber.unsubscribed_at is not None):
            return None  # nothing but the confirmation ever goes to an unconfirmed address
        if mailing.kind == MailingKind.ALERT:
            if mailing.pk not in self.windows:
                self.windows[mailing.pk] = alerts.window(mailing.window_start,
                                                         mailing.window_end, self.at)
            articles = self.windows[mailing.pk].for_reader(follows.get(subscriber.pk, set()))
            if not articles:
                return None
            return render.message(
                to=delivery.address, subject=render.alert_subject(articles), template="alert",
                subscriber=subscriber, message_id=message_id,
                context={"blocks": self.blocks_of(articles),
                         "frequency": subscriber.get_frequency_display()},
            )
        return self.newsletter(mailing.issue, to=delivery.address, subscriber=subscriber,
                               message_id=message_id, test=mailing.kind == MailingKind.TEST)

    def newsletter(self, issue, *, to, subscriber=None, message_id=None, test=False):
        return render.message(
            to=to, subject=issue.subject, template="newsletter", subscriber=subscriber,
            message_id=message_id,
            context={"intro": issue.intro, "test": test,
                     "blocks": self.blocks_of(self.issue_articles(issue))},
        )

    def issue_articles(self, issue):
        if issue.pk not in self.issues:
            self.issues[issue.pk] = issue_articles(issue, self.at)
        return self.issues[issue.pk]

    def blocks_of(self, articles):
        missing = [a for a in articles if a.pk not in self.blocks]
        self.blocks.update(render.article_blocks(missing))
        return [self.blocks[a.pk] for a in articles]

    def finish(self, delivery, state, error=""):
        Delivery.objects.filter(pk=delivery.pk).update(
            state=state, sent_at=timezone.now() if state == DeliveryState.SENT else None,
            error=error[:300])
        return state

    def failed(self, delivery, code, error):
        if code is not None and 400 <= code < 500:
            self.retry(delivery, error)
            return "retry"
        return self.finish(delivery, DeliveryState.FAILED, error)

    def retry(self, delivery, error):
        attempts = delivery.attempts + 1
        if attempts >= MAX_ATTEMPTS:
            self.finish(delivery, DeliveryState.FAILED, error)
            return
        wait = min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_RETRY)
        Delivery.objects.filter(pk=delivery.pk).update(
            state=DeliveryState.PENDING, attempts=attempts, not_before=self.at + wait,
            claimed_by="", claimed_at=None, error=error[:300])


def issue_articles(issue, at=None):
    """The issue's articles in editorial order, those public at `at` only."""
    return list(Article.objects.published(now=at).filter(newsletter_items__issue=issue)
                .for_lists().order_by("newsletter_items__position", "newsletter_items__pk"))


def preview(issue):
    """The issue's HTML as subscribers will get it, for the editors' browser."""
    mail = Run(timezone.now()).newsletter(issue, to="vorschau@localhost")
    return mail.alternatives[0].content


def week_proposal(now=None):
    """The past week's published articles, newest first: what an issue starts from."""
    now = now or timezone.now()
    return Article.objects.published(now=now).filter(
        published_at__gt=now - datetime.timedelta(days=7)).for_lists()
