"""Readers who follow the newsroom by e-mail, and every mail sent to them.

Consent changes only through articles.newsletter.subscriptions; sending only through
articles.newsletter.mailings. A Delivery is one (mailing, recipient) pair, recorded once.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Frequency(models.TextChoices):
    INSTANT = "instant", _("sofort gebündelt")
    DAILY = "daily", _("täglich")
    WEEKLY = "weekly", _("wöchentlich")


def new_key():
    return secrets.token_urlsafe(24)


class SubscriberQuerySet(models.QuerySet):
    def confirmed(self):
        """Who may get mail: confirmed and not unsubscribed. Nothing else is ever sent to
        an address but its confirmation mail."""
        return self.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)

    def following_something(self):
        return self.filter(
            Q(cities__isnull=False) | Q(topics__isnull=False) | Q(people__isnull=False)
            | Q(organisations__isnull=False)
        ).distinct()


# Subscriber's follow fields and what their through tables call the subject.
FOLLOW_COLUMNS = {"cities": "city", "topics": "topic", "people": "person",
                  "organisations": "organisation"}


class Subscriber(models.Model):
    email = models.EmailField(_("E-Mail-Adresse"), unique=True)
    # The personal part of the links in every mail (managing, one-click unsubscribe):
    # random, so that one address's link says nothing about another's.
    key = models.CharField(max_length=40, unique=True, default=new_key, editable=False)
    wants_newsletter = models.BooleanField(_("Newsletter der Redaktion"), default=False)
    frequency = models.CharField(
        _("Benachrichtigungen"), max_length=10, choices=Frequency.choices,
        default=Frequency.DAILY,
    )
    cities = models.ManyToManyField("articles.City", blank=True, related_name="+",
                                    verbose_name=_("Orte, Kreise und Länder"))
    topics = models.ManyToManyField("articles.Topic", blank=True, related_name="+",
                                    verbose_name=_("Themen"))
    people = models.ManyToManyField("articles.Person", blank=True, related_name="+",
                                    verbose_name=_("Personen"))
    organisations = models.ManyToManyField("articles.Organisation", blank=True,
                                           related_name="+", verbose_name=_("Organisationen"))
    # The consent record: what was agreed (the text as shown), when, and when confirmed.
    consent_text = models.TextField(_("Einwilligungstext"))
    consent_at = models.DateTimeField(_("eingewilligt am"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("bestätigt am"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("abgemeldet am"), null=True, blank=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        verbose_name = _("Abonnement")
        verbose_name_plural = _("Abonnements")

    def __str__(self):
        return self.email

    def followed_slugs(self):
        """{"cities": [slug, ...], "topics": [...], ...}: what the reader follows, in one
        query."""
        parts = [
            getattr(Subscriber, field).through.objects.filter(subscriber=self).values_list(
                Value(field, output_field=models.CharField()), f"{column}__slug")
            for field, column in FOLLOW_COLUMNS.items()
        ]
        follows = {field: [] for field in FOLLOW_COLUMNS}
        for field, slug in parts[0].union(*parts[1:], all=True):
            follows[field].append(slug)
        return follows


class MailingKind(models.TextChoices):
    CONFIRMATION = "confirmation", _("Bestätigung")
    ALERT = "alert", _("Benachrichtigung")
    NEWSLETTER = "newsletter", _("Newsletter")
    TEST = "test", _("Testversand")


class Mailing(models.Model):
    """One sending: an alert run of one frequency (its window of articles), an issue of the
    newsletter, or a single confirmation or test mail."""

    kind = models.CharField(max_length=20, choices=MailingKind.choices)
    frequency = models.CharField(max_length=10, choices=Frequency.choices, blank=True)
    # Alerts: the articles that went live in (window_start, window_end].
    window_start = models.DateTimeField(null=True, blank=True)
    window_end = models.DateTimeField(null=True, blank=True)
    issue = models.ForeignKey("articles.NewsletterIssue", null=True, blank=True,
                              on_delete=models.CASCADE, related_name="mailings")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            # One alert run per frequency and slot, however many workers plan it.
            models.UniqueConstraint(fields=["kind", "frequency", "window_end"],
                                    condition=Q(kind="alert"), name="one_alert_run_per_slot"),
            models.UniqueConstraint(fields=["issue"], condition=Q(kind="newsletter"),
                                    name="one_mailing_per_issue"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.pk}"


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("wartet")
    SENDING = "sending", _("wird gesendet")
    SENT = "sent", _("gesendet")
    SKIPPED = "skipped", _("nichts zu senden")
    FAILED = "failed", _("unzustellbar")


class Delivery(models.Model):
    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="deliveries")
    # Test mails go to an editor, who is no subscriber.
    address = models.EmailField()
    state = models.CharField(max_length=10, choices=DeliveryState.choices,
                             default=DeliveryState.PENDING)
    not_before = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mailing", "address"], name="one_delivery_per_pair"),
        ]
        indexes = [models.Index(fields=["state", "not_before"], name="delivery_due_idx")]

    def __str__(self):
        return f"{self.mailing} → {self.address}"


class IssueState(models.TextChoices):
    DRAFT = "draft", _("in Vorbereitung")
    SCHEDULED = "scheduled", _("terminiert")
    SENT = "sent", _("versandt")


class NewsletterIssue(models.Model):
    subject = models.CharField(_("Betreff"), max_length=200)
    intro = models.TextField(_("Einleitung"), blank=True)
    state = models.CharField(_("Status"), max_length=10, choices=IssueState.choices,
                             default=IssueState.DRAFT, editable=False)
    send_at = models.DateTimeField(_("Versand am"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", editable=False)

    class Meta:
        verbose_name = _("Newsletter-Ausgabe")
        verbose_name_plural = _("Newsletter-Ausgaben")
        ordering = ["-created_at"]
        permissions = [("send_newsletterissue", _("Kann Newsletter versenden"))]

    def __str__(self):
        return self.subject


class IssueArticle(models.Model):
    issue = models.ForeignKey(NewsletterIssue, on_delete=models.CASCADE, related_name="items")
    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE,
                                related_name="newsletter_items",
                                verbose_name=_("Artikel"))
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("Artikel der Ausgabe")
        verbose_name_plural = _("Artikel der Ausgabe")
        constraints = [models.UniqueConstraint(fields=["issue", "article"],
                                               name="article_once_per_issue")]

    def __str__(self):
        return str(self.article)
