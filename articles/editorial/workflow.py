"""Every change of an article's status, and of its pending changes, goes through here.

An article moves draft → in review → published (or scheduled: published with a future
time) → archived; editors can send a review back to draft with a comment, and take a
published, scheduled or archived article back into editing. Once published, an article's
edits wait in its working copy (articles.editorial.livecopy), which has a small workflow
of its own: submitted for review, then published now or at a time, sent back, or
discarded. Any article can go into the trash and come back from it.

Who may take which step is decided here, on the server: journalists (Redaktion) submit
articles and changes for review and put their own drafts in the trash; only editors
(Chefredaktion), who hold `articles.publish_article`, do everything else.

Each step is recorded as a WorkflowEvent and a Revision, and every step reads the article
afresh from the database, locked, so an edited copy in memory never reaches the row.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles import images, surrogate_keys
from articles.editorial import accessibility, livecopy, previews, revisions
from articles.models import (
    Article,
    ArticleRedirect,
    ChangeState,
    Image,
    Status,
    Transition,
    WorkflowEvent,
    WorkingCopy,
)
from articles.sanitize import clean_html

PUBLISH_PERMISSION = "articles.publish_article"
# Lists and feeds show the teaser in full; the longest in the seed has 307 characters.
TEASER_MAX_LENGTH = 320

# The state a person sees: "scheduled" is a published article whose time has not come.
DRAFT, REVIEW, SCHEDULED, PUBLISHED, ARCHIVED, TRASHED = (
    "draft", "review", "scheduled", "published", "archived", "trashed"
)
STATE_LABELS = {
    DRAFT: gettext_lazy("Entwurf"),
    REVIEW: gettext_lazy("In Prüfung"),
    SCHEDULED: gettext_lazy("Terminiert"),
    PUBLISHED: gettext_lazy("Veröffentlicht"),
    ARCHIVED: gettext_lazy("Archiviert"),
    TRASHED: gettext_lazy("Im Papierkorb"),
}
ANY_CHANGES = frozenset({ChangeState.DRAFT, ChangeState.REVIEW})
# Steps that put content on the site: serious accessibility findings stop them.
GOING_LIVE = frozenset({Transition.PUBLISH, Transition.SCHEDULE, Transition.PUBLISH_CHANGES,
                        Transition.SCHEDULE_CHANGES})


@dataclass(frozen=True)
class Step:
    transition: str
    label: str
    sources: frozenset
    # The status the article gets; None for steps on its pending changes.
    target: str | None
    editor_only: bool = True
    # For steps on pending changes: the states of the changes it applies to.
    changes: frozenset = frozenset()
    # Steps that take something off the site or throw work away ask first.
    confirm: str = ""


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
        Step(Transition.SUBMIT_CHANGES, gettext_lazy("Änderungen zur Prüfung einreichen"),
             frozenset({PUBLISHED, SCHEDULED}), None, editor_only=False,
             changes=frozenset({ChangeState.DRAFT})),
        Step(Transition.PUBLISH_CHANGES, gettext_lazy("Änderungen veröffentlichen"),
             frozenset({PUBLISHED}), None, changes=ANY_CHANGES),
        Step(Transition.SCHEDULE_CHANGES, gettext_lazy("Änderungen terminieren"),
             frozenset({PUBLISHED}), None, changes=ANY_CHANGES),
        Step(Transition.SEND_BACK_CHANGES, gettext_lazy("Änderungen zurückgeben"),
             frozenset({PUBLISHED, SCHEDULED}), None,
             changes=frozenset({ChangeState.REVIEW})),
        Step(Transition.DISCARD_CHANGES, gettext_lazy("Änderungen verwerfen"),
             frozenset({PUBLISHED, SCHEDULED, ARCHIVED}), None, changes=ANY_CHANGES,
             confirm=gettext_lazy("Die Änderungen verwerfen? Sie bleiben als Version "
                                  "erhalten; sichtbar bleibt die veröffentlichte Fassung.")),
        Step(Transition.ARCHIVE, gettext_lazy("Archivieren (von der Website nehmen)"),
             frozenset({PUBLISHED}), Status.ARCHIVED,
             confirm=gettext_lazy("Den Artikel von der Website nehmen? Seine Adresse meldet "
                                  "dann „nicht mehr verfügbar“.")),
        Step(Transition.REOPEN, gettext_lazy("Zurück in Bearbeitung"),
             frozenset({SCHEDULED, PUBLISHED, ARCHIVED}), Status.DRAFT,
             confirm=gettext_lazy("Den Artikel zurück in Bearbeitung nehmen? Ist er "
                                  "veröffentlicht, verschwindet er von der Website.")),
        Step(Transition.TRASH, gettext_lazy("In den Papierkorb"),
             frozenset({DRAFT, REVIEW, SCHEDULED, PUBLISHED, ARCHIVED}), Status.TRASHED,
             editor_only=False,
             confirm=gettext_lazy("Den Artikel in den Papierkorb legen? Er verschwindet von "
                                  "der Website; die Chefredaktion kann ihn zurückholen.")),
        Step(Transition.UNTRASH, gettext_lazy("Aus dem Papierkorb holen"),
             frozenset({TRASHED}), None),
    )
}


# The obvious next step, in this order of preference: publishing what waits for review is
# the editor's, submitting it the journalist's. Publishing is the obvious step only for
# articles not yet on the site.
PRIMARY_ORDER = (Transition.PUBLISH_CHANGES, Transition.PUBLISH, Transition.SUBMIT_CHANGES,
                 Transition.SUBMIT)


def primary_step(steps, state=DRAFT):
    """Of the steps a user may take, the one the form offers as its main button."""
    offered = {step.transition: step for step in steps}
    for transition in PRIMARY_ORDER:
        if transition == Transition.PUBLISH and state not in (DRAFT, REVIEW):
            continue
        if transition in offered:
            return offered[transition]
    return None


def can_publish(user):
    return user.has_perm(PUBLISH_PERMISSION)


def state_of(article, now=None):
    if article.status == Status.PUBLISHED and article.published_at is not None:
        return SCHEDULED if article.published_at > (now or timezone.now()) else PUBLISHED
    return article.status


def changes_state_of(article, *, editing=False):
    """The state of the article's pending changes, or None. `editing`: the step comes
    with a save from the form, which makes the changes of a protected article."""
    working_copy = livecopy.working_copy_of(article) if article.pk else None
    if working_copy is not None:
        return working_copy.state
    if editing and article.pk and livecopy.is_protected(article):
        return ChangeState.DRAFT
    return None


def _refusal(step, article, user, state, changes_state):
    """Why `user` may not take `step` now, or None."""
    if state not in step.sources:
        return _("„%(step)s“ ist im Status „%(state)s“ nicht möglich.") % {
            "step": step.label, "state": STATE_LABELS[state]}
    if step.changes and changes_state not in step.changes:
        if changes_state is None:
            return _("Es gibt keine Änderungen an der veröffentlichten Fassung.")
        return _("„%(step)s“ ist nicht möglich: %(changes)s.") % {
            "step": step.label, "changes": ChangeState(changes_state).label}
    if step.target == Status.TRASHED and not can_publish(user) and (
        state != DRAFT or not article.authors.filter(pk=user.pk).exists()
    ):
        return _("In den Papierkorb legen darf die Redaktion nur eigene Entwürfe; alles "
                 "andere die Chefredaktion.")
    return None


def available_steps(article, user, now=None, *, editing=False):
    """The steps `user` may take on `article` now, for buttons and bulk actions."""
    state = state_of(article, now) if article.pk else DRAFT
    changes_state = changes_state_of(article, editing=editing)
    return [
        step for step in STEPS.values()
        if (can_publish(user) or not step.editor_only)
        and (article.pk or step.transition != Transition.TRASH)
        and _refusal(step, article, user, state, changes_state) is None
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
    # What the sanitiser leaves is what visitors would read.
    if not strip_tags(clean_html(body or "")).strip():
        problems.append(_("Der Text fehlt."))
    if lead_image is not None:
        if not lead_image.decorative and not lead_image.alt_text.strip():
            problems.append(_("Das Aufmacherbild hat keinen Alternativtext."))
        if lead_image.credit_id is None:
            problems.append(_("Das Aufmacherbild hat keinen Bildnachweis."))
    if not topics and not cities:
        problems.append(_("Der Artikel braucht mindestens eine Kommune oder ein Thema."))
    return problems


def slug_problem(slug, article):
    """Why `slug` cannot be the article's address, or None."""
    taken = Article.objects.filter(slug=slug).exclude(pk=article.pk).exists() or (
        ArticleRedirect.objects.filter(old_slug=slug).exclude(article=article.pk).exists()
    )
    if slug and taken:
        return _("Der Kurzname „%(slug)s“ gehört schon einem anderen Artikel; bitte einen "
                 "anderen wählen.") % {"slug": slug}
    return None


def content_for_checks(data):
    """A content document as `publish_problems` takes it."""
    image = data.get("lead_image")
    return {
        "headline": data.get("headline", ""), "teaser": data.get("teaser", ""),
        "body": data.get("body", ""), "topics": data.get("topics", []),
        "cities": data.get("cities", []),
        "lead_image": Image.objects.filter(pk=image["id"]).first() if image else None,
    }


def _what_goes_live(article, content):
    """What a publishing step would put on the site, as `publish_problems` takes it plus
    the slug: the form's content, else the pending changes, else the row."""
    if content is not None:
        return content
    working_copy = livecopy.working_copy_of(article)
    data = working_copy.data if working_copy else revisions.snapshot(article)
    return {**content_for_checks(data), "slug": data.get("slug", "")}


def _problems_of_what_goes_live(article, content):
    """Publish-time problems of what a publishing step would put on the site."""
    live = _what_goes_live(article, content)
    problems = publish_problems(**{k: v for k, v in live.items() if k != "slug"})
    slug_refusal = slug_problem(live.get("slug", ""), article)
    return problems + ([slug_refusal] if slug_refusal else [])


def accessibility_findings(article, content=None):
    """The accessibility findings (articles.editorial.accessibility) of what a publishing
    step would put on the site."""
    live = _what_goes_live(article, content)
    return accessibility.check(live.get("body", ""), live.get("lead_image"))


def _accessibility_refusal(findings, override):
    """Why serious findings stop publishing, or None when there are none or an editor
    gave a reason to publish all the same."""
    serious = accessibility.serious(findings)
    if not serious or override.strip():
        return None
    listed = "; ".join(f"{finding.message} („{finding.passage}“)" for finding in serious)
    return _("Barrierefreiheit: %(findings)s. Bitte korrigieren, oder als Chefredaktion "
             "unter „Barrierefreiheit: trotzdem veröffentlichen“ begründen, warum der Artikel "
             "so online gehen soll.") % {"findings": listed}


def check(article, transition, user, *, content=None, publish_at=None, comment="",
          accessibility_override="", now=None):
    """Raise ValidationError (listing every problem) or PermissionDenied, or return the Step.

    `content` holds the values the article will have (a form's cleaned data); without it
    the saved article, or its pending changes, are checked. `accessibility_override`: an
    editor's reason to publish despite serious accessibility findings.
    """
    now = now or timezone.now()
    step = STEPS.get(transition)
    if step is None:
        raise ValidationError(_("Unbekannter Arbeitsschritt."))
    if step.editor_only and not can_publish(user):
        raise PermissionDenied(
            _("Nur die Chefredaktion darf Artikel und Änderungen veröffentlichen, terminieren, "
              "zurückgeben, verwerfen oder archivieren. Bitte reichen Sie sie zur Prüfung ein.")
        )
    state = state_of(article, now) if article.pk else DRAFT
    refusal = _refusal(step, article, user, state,
                       changes_state_of(article, editing=content is not None))
    if refusal:
        if step.target == Status.TRASHED and state in step.sources:
            raise PermissionDenied(refusal)
        raise ValidationError(refusal)
    problems = []
    if step.target == Status.PUBLISHED or transition in (
        Transition.PUBLISH_CHANGES, Transition.SCHEDULE_CHANGES
    ):
        problems += _problems_of_what_goes_live(article, content)
    if transition in GOING_LIVE:
        refusal = _accessibility_refusal(accessibility_findings(article, content),
                                         accessibility_override)
        if refusal:
            problems.append(refusal)
    if transition in (Transition.SCHEDULE, Transition.SCHEDULE_CHANGES) and (
        publish_at is None or publish_at <= now
    ):
        problems.append(_("Zum Terminieren bitte einen Zeitpunkt in der Zukunft angeben."))
    if transition in (Transition.SEND_BACK, Transition.SEND_BACK_CHANGES) and not comment.strip():
        problems.append(_("Bitte sagen Sie im Kommentar, was noch fehlt."))
    if problems:
        raise ValidationError(problems)
    return step


def _take_changes_step(article, step, publish_at, now):
    working_copy = WorkingCopy.objects.select_for_update().get(article=article)
    transition = step.transition
    if transition == Transition.PUBLISH_CHANGES:
        livecopy.publish_changes(article, working_copy, at=now)
        return
    if transition == Transition.DISCARD_CHANGES:
        working_copy.delete()
        return
    else:
        working_copy.state = (
            ChangeState.DRAFT if transition == Transition.SEND_BACK_CHANGES
            else ChangeState.REVIEW
        )
        working_copy.publish_at = publish_at if transition == Transition.SCHEDULE_CHANGES else None
        working_copy.save()
    if transition == Transition.SCHEDULE_CHANGES:
        # Pages showing it were given lifetimes without this time in view.
        surrogate_keys.changed(surrogate_keys.key_for(article), surrogate_keys.SCHEDULE)


def _take_status_step(article, step, publish_at, now):
    transition = step.transition
    working_copy = WorkingCopy.objects.select_for_update().filter(article=article).first()
    if working_copy is not None and transition in (
        Transition.PUBLISH, Transition.SCHEDULE, Transition.REOPEN
    ):
        # Leaving the site, or not yet on it: the pending changes become the article.
        livecopy.fold_in(article, working_copy)
    first_publication = article.modified_at is None
    if transition == Transition.TRASH:
        article.trashed_from, article.trashed_at = article.status, now
    if transition == Transition.UNTRASH:
        article.status = article.trashed_from or Status.DRAFT
        article.trashed_from, article.trashed_at = "", None
    else:
        article.status = step.target
    if transition == Transition.SCHEDULE:
        article.published_at = publish_at
    elif transition == Transition.PUBLISH and (
        article.published_at is None or article.published_at > now
    ):
        article.published_at = now
    if transition in (Transition.PUBLISH, Transition.SCHEDULE):
        article.modified_at = article.published_at if first_publication else max(
            now, article.published_at)
    article.save()
    livecopy.fold_in_relations(article)
    if transition in (Transition.PUBLISH, Transition.SCHEDULE, Transition.ARCHIVE,
                      Transition.REOPEN, Transition.TRASH, Transition.UNTRASH):
        # A share link made for one state never opens a later one.
        previews.revoke_links(article)


@transaction.atomic
def perform(article, transition, user, *, publish_at=None, comment="",
            accessibility_override="", now=None):
    """Take the step: check it, change the status or the pending changes, save, and
    record event and revision. An accessibility override is recorded with the serious
    findings it let through."""
    now = now or timezone.now()
    given, article = article, Article.objects.select_for_update().get(pk=article.pk)
    step = check(article, transition, user, publish_at=publish_at, comment=comment,
                 accessibility_override=accessibility_override, now=now)
    overridden = accessibility.serious(accessibility_findings(article)) if (
        transition in GOING_LIVE and accessibility_override.strip()) else []
    from_status = article.status
    if step.changes:
        _take_changes_step(article, step, publish_at, now)
    else:
        _take_status_step(article, step, publish_at, now)
    event = WorkflowEvent.objects.create(
        article=article, transition=transition, from_status=from_status,
        to_status=article.status, user=user, comment=comment.strip(),
        publish_at=publish_at if transition == Transition.SCHEDULE_CHANGES
        else article.published_at if step.target == Status.PUBLISHED else None,
        accessibility_override=accessibility_override.strip() if overridden else "",
        accessibility_findings=[finding.as_dict() for finding in overridden],
    )
    revisions.record(article, user, note=str(event.get_transition_display()))
    given.refresh_from_db()  # the caller's copy now shows what was saved
    return event


def publish_due_changes(now=None):
    """Publish every scheduled update whose time has come; returns how many. The first
    request after such a time calls it (articles.editorial.middleware), so scheduled
    updates need no cron, like scheduled articles; after a scheduled article's time it
    is called too (publish_when_due), for the pictures that went public with it."""
    now = now or timezone.now()
    published = 0
    due = WorkingCopy.objects.filter(publish_at__lte=now).values_list("article_id", flat=True)
    for article_id in list(due):
        with transaction.atomic():
            # Two servers may get here at once: the row lock lets one of them publish.
            article = Article.objects.select_for_update().get(pk=article_id)
            working_copy = WorkingCopy.objects.filter(
                article=article, publish_at__lte=now
            ).first()
            if working_copy is None:
                continue
            at = working_copy.publish_at
            problems = (
                _problems_of_what_goes_live(article, None)
                if article.status == Status.PUBLISHED else [_("Der Artikel ist nicht online.")]
            )
            if problems:
                # Not publishable any more (say, its address was taken meanwhile): the
                # changes wait for an editor instead of being tried on every request.
                working_copy.publish_at = None
                working_copy.save(update_fields=["publish_at"])
                comment = " ".join(str(p) for p in problems)
                transition = Transition.SEND_BACK_CHANGES
            else:
                livecopy.publish_changes(article, working_copy, at=at)
                comment, transition = _("Zum geplanten Zeitpunkt veröffentlicht."), \
                    Transition.PUBLISH_CHANGES
                published += 1
            WorkflowEvent.objects.create(
                article=article, transition=transition, from_status=article.status,
                to_status=article.status, user=None, comment=comment, publish_at=at,
            )
            revisions.record(article, None, note=str(Transition(transition).label))
    # Scheduled articles come due and licences end without a write: their pictures, their
    # teasers' and their people's portraits get or lose their renditions now (object
    # storage only).
    images.follow_publicity_after_commit(images.out_of_step)
    return published


def publish_when_due(**signal):
    """Receives articles.cache.came_due: a scheduled time has passed."""
    publish_due_changes()


@transaction.atomic
def restore(revision, user, *, expected_version=None):
    """Bring back an old revision's content as the article's newest version.

    What visitors see never changes here: a protected article gets it as its working
    copy, to be published like any other change. Returns (revision, notes) where notes
    say what could not be taken over.
    """
    article = Article.objects.select_for_update().get(pk=revision.article_id)
    if article.status == Status.TRASHED:
        raise ValidationError(_("Der Artikel liegt im Papierkorb; bitte erst zurückholen."))
    content, notes = dict(revision.data), []
    refusal = slug_problem(content.get("slug", ""), article)
    if refusal:
        content["slug"] = article.slug
        notes.append(_("Der Kurzname „%(old)s“ gehört inzwischen einem anderen Artikel; "
                       "der Artikel behält „%(slug)s“.") % {"old": revision.data.get("slug"),
                                                           "slug": article.slug})
    if livecopy.is_protected(article):
        # The publication time is the workflow's, not part of an old text.
        content["published_at"] = revisions.snapshot(article)["published_at"]
    restored = livecopy.save(
        article, content, user,
        expected_version=article.version if expected_version is None else expected_version,
        note=_("wiederhergestellt aus Version %(version)d") % {"version": revision.version},
    )
    return restored, notes
