"""The one writer of consent: sign-up, confirmation, changes, unsubscribing, erasure.

Double opt-in: a sign-up stores what was agreed and queues a confirmation mail with a
signed link valid links.CONFIRMATION_MAX_AGE; until it is followed, that mail is the only one
the address ever gets (Subscriber.objects.confirmed() is where every other mailing starts).
"""

from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import DeliveryState, MailingKind, Subscriber
from articles.models.newsletter import FOLLOW_COLUMNS

from . import links, mailings, tasks

FOLLOWS = tuple(FOLLOW_COLUMNS)


class InvalidLink(Exception):
    """A confirmation link that is forged, expired or no longer leads anywhere; the
    message says which, in German."""


def consent_text(*, wants_newsletter, frequency_label, follows):
    """What the reader agrees to, as shown next to the form and kept with the consent."""
    parts = []
    if wants_newsletter:
        parts.append(_("den Newsletter der Redaktion"))
    if follows:
        parts.append(_("Benachrichtigungen (%(frequency)s) über neue Meldungen zu: %(names)s")
                     % {"frequency": frequency_label, "names": ", ".join(follows)})
    return _(
        "Ich möchte %(what)s per E-Mail erhalten. Meine E-Mail-Adresse wird nur dafür "
        "gespeichert und nicht weitergegeben; ich kann mich mit dem Link in jeder E-Mail "
        "jederzeit abmelden und meine Daten löschen lassen."
    ) % {"what": _(" und ").join(parts) or _("nichts")}


def normalise(email):
    local, _at, domain = email.strip().rpartition("@")
    return f"{local}@{domain.lower()}".lower()


@transaction.atomic
def sign_up(email, *, wants_newsletter, frequency, follows, text, now=None):
    """Record a sign-up and queue its confirmation mail. The caller answers the same
    whatever happens here, so that nobody learns whether an address is known.

    `follows` maps "cities", "topics", "people", "organisations" to subjects. An address
    that is already confirmed keeps what it follows (a stranger must not change it) and
    is sent its personal link instead.
    """
    now = now or timezone.now()
    email = normalise(email)
    subscriber = Subscriber.objects.select_for_update().filter(email=email).first()
    if subscriber is None or subscriber.confirmed_at is None \
            or subscriber.unsubscribed_at is not None:
        subscriber = subscriber or Subscriber(email=email)
        subscriber.wants_newsletter = wants_newsletter
        subscriber.frequency = frequency
        subscriber.consent_text = text
        subscriber.consent_at = now
        subscriber.confirmed_at = None
        subscriber.unsubscribed_at = None
        subscriber.save()
        for field in FOLLOWS:
            getattr(subscriber, field).set(follows.get(field, ()))
    mailings.queue_single(MailingKind.CONFIRMATION, subscriber, now=now)
    tasks.send_soon()
    return subscriber


def subscriber_for_token(token, now=None):
    """The subscriber a confirmation link names; InvalidLink with the reason otherwise."""
    try:
        key = links.key_of(token)
    except signing.SignatureExpired as error:
        raise InvalidLink(_("Dieser Bestätigungslink ist abgelaufen: Er gilt sieben Tage. "
                            "Bitte melden Sie sich noch einmal an.")) from error
    except signing.BadSignature as error:
        raise InvalidLink(_("Dieser Bestätigungslink ist ungültig. Bitte kopieren Sie ihn "
                            "vollständig aus der E-Mail oder melden Sie sich neu an.")) \
            from error
    subscriber = Subscriber.objects.filter(key=key).first()
    if subscriber is None:
        raise InvalidLink(_("Zu diesem Link gibt es keine Anmeldung mehr. Bitte melden Sie "
                            "sich neu an."))
    return subscriber


def confirm(subscriber, now=None):
    """Confirm once; following the link again changes nothing."""
    if subscriber.confirmed_at is None or subscriber.unsubscribed_at is not None:
        subscriber.confirmed_at = now or timezone.now()
        subscriber.unsubscribed_at = None
        subscriber.save(update_fields=["confirmed_at", "unsubscribed_at"])


@transaction.atomic
def change(subscriber, *, wants_newsletter, frequency, follows):
    subscriber.wants_newsletter = wants_newsletter
    subscriber.frequency = frequency
    subscriber.save(update_fields=["wants_newsletter", "frequency"])
    for field in FOLLOWS:
        getattr(subscriber, field).set(follows.get(field, ()))


@transaction.atomic
def unsubscribe(subscriber, now=None):
    """Stop every mail at once, those already queued too; the address stays known only
    as unsubscribed (a new sign-up starts with a new confirmation)."""
    subscriber.unsubscribed_at = now or timezone.now()
    subscriber.wants_newsletter = False
    subscriber.save(update_fields=["unsubscribed_at", "wants_newsletter"])
    for field in FOLLOWS:
        getattr(subscriber, field).clear()
    subscriber.deliveries.filter(state=DeliveryState.PENDING).update(
        state=DeliveryState.SKIPPED, error="abgemeldet")


def export(subscriber):
    """Everything kept about a reader (Art. 15 and 20 GDPR), as JSON-ready data."""
    return {
        "email": subscriber.email,
        "newsletter": subscriber.wants_newsletter,
        "frequency": subscriber.frequency,
        **{field: sorted(str(s) for s in getattr(subscriber, field).all()) for field in FOLLOWS},
        "consent": {
            "text": subscriber.consent_text,
            "given_at": subscriber.consent_at.isoformat(),
            "confirmed_at": subscriber.confirmed_at and subscriber.confirmed_at.isoformat(),
        },
        "unsubscribed_at": subscriber.unsubscribed_at and subscriber.unsubscribed_at.isoformat(),
        "mails": [
            {"kind": kind, "state": state, "sent_at": sent_at and sent_at.isoformat()}
            for kind, state, sent_at in subscriber.deliveries.order_by("pk").values_list(
                "mailing__kind", "state", "sent_at")
        ],
    }


def erase(subscriber):
    """Forget the reader (Art. 17 GDPR): the row, what they follow and their mail log."""
    subscriber.delete()
