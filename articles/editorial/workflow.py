"""Every change of an article's status goes through here.

An article moves draft → in review → published (or scheduled: published with a future
time) → archived; editors can send a review back to draft with a comment, and take a
published, scheduled or archived article back into editing. Who may take which step is
decided here, on the server: journalists (Redaktion) submit for review; only editors
(Chefredaktion), who hold `articles.publish_article`, do everything else.

Each step is recorded as a WorkflowEvent and a Revision.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.editorial import revisions
from articles.models import Status, Transition, WorkflowEvent

PUBLISH_PERMISSION = "articles.publish_article"
# Lists and feeds show the teaser in full; the longest in the seed has 307 characters.
TEASER_MAX_LENGTH = 320

# The state a person sees: "scheduled" is a published article whose time has not come.
DRAFT, REVIEW, SCHEDULED, PUBLISHED, ARCHIVED = (
    "draft", "review", "scheduled", "published", "archived"
)
STATE_LABELS = {
    DRAFT: gettext_lazy("Entwurf"),
    REVIEW: gettext_lazy("In Prüfung"),
    SCHEDULED: gettext_lazy("Terminiert"),
    PUBLISHED: gettext_lazy("Veröffentlicht"),
    ARCHIVED: gettext_lazy("Archiviert"),
}


@dataclass(frozen=True)
class Step:
    transition: str
    label: str
    sources: frozenset
    target: str
    editor_only: bool = True


STEPS = {
    step.transition: step
    for step in (
        Step(Transition.SUBMIT, gettext_lazy("Zur Prüfung einreichen"), frozenset({DRAFT}),
             Status.REVIEW, editor_only=False),
        Step(Transition.PUBLISH, gettext_lazy("Jetzt veröffentlichen"),
             frozenset({DRAFT, REVIEW, SCHEDULED}), Status.PUBLISHED),
        Step(Transition.SCHEDULE, gettext_lazy("Terminieren"),
             frozenset({DRAFT, REVIEW, SCHEDULED}), Status.PUBLISHED),
        Step(Transition.SEND_BACK, gettext_lazy("Zurückgeben"), frozenset({REVIEW}),
             Status.DRAFT),
        Step(Transition.ARCHIVE, gettext_lazy("Archivieren (von der Website nehmen)"),
             frozenset({PUBLISHED}), Status.ARCHIVED),
        Step(Transition.REOPEN, gettext_lazy("Zurück in Bearbeitung"),
             frozenset({SCHEDULED, PUBLISHED, ARCHIVED}), Status.DRAFT),
    )
}


def can_publish(user):
    return user.has_perm(PUBLISH_PERMISSION)


def state_of(article, now=None):
    if article.status == Status.PUBLISHED and article.published_at is not None:
        return SCHEDULED if article.published_at > (now or timezone.now()) else PUBLISHED
    return article.status


def available_steps(article, user, now=None):
    """The steps `user` may take on `article` now, for buttons and bulk actions."""
    state = state_of(article, now) if article.pk else DRAFT
    return [
        step for step in STEPS.values()
        if state in step.sources and (can_publish(user) or not step.editor_only)
    ]


def publish_problems(*, headline, teaser, body, lead_image, topics, cities):
    """Everything that stops an article from going public, as messages for the form."""
    problems = []
    if not headline.strip():
        problems.append(_("Die Überschrift fehlt."))
    if not teaser.strip():
        problems.append(_("Der Anreißer fehlt."))
    elif len(teaser) > TEASER_MAX_LENGTH:
        problems.append(
            _("Der Anreißer hat %(length)d Zeichen; erlaubt sind höchstens %(max)d.")
            % {"length": len(teaser), "max": TEASER_MAX_LENGTH}
        )
    if not strip_tags(body or "").strip():
        problems.append(_("Der Text fehlt."))
    if lead_image is not None:
        if not lead_image.decorative and not lead_image.alt_text.strip():
            problems.append(_("Das Aufmacherbild hat keinen Alternativtext."))
        if lead_image.credit_id is None:
            problems.append(_("Das Aufmacherbild hat keinen Bildnachweis."))
    if not topics and not cities:
        problems.append(_("Der Artikel braucht mindestens eine Kommune oder ein Thema."))
    return problems


def problems_of_saved(article):
    return publish_problems(
        headline=article.headline, teaser=article.teaser, body=article.body,
        lead_image=article.lead_image, topics=list(article.topics.all()),
        cities=list(article.cities.all()),
    )


def check(article, transition, user, *, content=None, publish_at=None, comment="", now=None):
    """Raise ValidationError (listing every problem) or PermissionDenied, or return the Step.

    `content` holds the values the article will have (a form's cleaned data); without it
    the saved article is checked.
    """
    now = now or timezone.now()
    step = STEPS.get(transition)
    if step is None:
        raise ValidationError(_("Unbekannter Arbeitsschritt."))
    if step.editor_only and not can_publish(user):
        raise PermissionDenied(
            _("Nur die Chefredaktion darf Artikel veröffentlichen, terminieren, zurückgeben "
              "oder archivieren. Bitte reichen Sie den Artikel zur Prüfung ein.")
        )
    state = state_of(article, now) if article.pk else DRAFT
    if state not in step.sources:
        raise ValidationError(
            _("„%(step)s“ ist im Status „%(state)s“ nicht möglich.")
            % {"step": step.label, "state": STATE_LABELS[state]}
        )
    problems = []
    if step.target == Status.PUBLISHED:
        problems += publish_problems(**content) if content else problems_of_saved(article)
    if transition == Transition.SCHEDULE and (publish_at is None or publish_at <= now):
        problems.append(_("Zum Terminieren bitte einen Zeitpunkt in der Zukunft angeben."))
    if transition == Transition.SEND_BACK and not comment.strip():
        problems.append(_("Bitte sagen Sie im Kommentar, was noch fehlt."))
    if problems:
        raise ValidationError(problems)
    return step


@transaction.atomic
def perform(article, transition, user, *, publish_at=None, comment="", now=None):
    """Take the step: check it, change the status, save, and record event and revision."""
    now = now or timezone.now()
    step = check(article, transition, user, publish_at=publish_at, comment=comment, now=now)
    from_status = article.status
    article.status = step.target
    if transition == Transition.SCHEDULE:
        article.published_at = publish_at
    elif transition == Transition.PUBLISH and (
        article.published_at is None or article.published_at > now
    ):
        article.published_at = now
    article.save()
    event = WorkflowEvent.objects.create(
        article=article, transition=transition, from_status=from_status,
        to_status=article.status, user=user, comment=comment.strip(),
        publish_at=article.published_at if step.target == Status.PUBLISHED else None,
    )
    revisions.record(article, user, note=str(event.get_transition_display()))
    return event


@transaction.atomic
def restore(revision, user):
    """Bring back an old revision's content as a new draft revision; nothing is overwritten.

    Taking a public or scheduled article back to draft is an editor's decision.
    """
    article = revision.article
    if state_of(article) in (SCHEDULED, PUBLISHED, ARCHIVED) and not can_publish(user):
        raise PermissionDenied(
            _("Nur die Chefredaktion darf eine ältere Version eines veröffentlichten "
              "Artikels wiederherstellen.")
        )
    from_status = article.status
    revisions.apply(article, revision.data)
    article.status = Status.DRAFT
    article.save()
    revisions.apply_relations(article, revision.data)
    if from_status != Status.DRAFT:
        WorkflowEvent.objects.create(
            article=article, transition=Transition.REOPEN, from_status=from_status,
            to_status=Status.DRAFT, user=user,
            comment=_("Version %(version)d wiederhergestellt") % {"version": revision.version},
        )
    return revisions.record(
        article, user,
        note=_("wiederhergestellt aus Version %(version)d") % {"version": revision.version},
    )

