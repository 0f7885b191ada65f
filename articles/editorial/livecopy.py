"""The one writer of an article's content after it was created: live version, working
copy, and merging what two people saved from the same version.

Visitors see the article row. While an article is a draft or in review, a save writes
the row. Once an editor has published it (published, scheduled or archived), a save
writes the article's working copy instead, and the row changes only when an editor
publishes those changes (`publish_changes`, called by the workflow), now or at a set
time. So what a journalist types never reaches a public page, feed, sitemap or the
search index on its own.

Content travels as the document a revision stores (articles.editorial.revisions), so a
working copy, a version and a merge are the same plain dictionaries.
"""

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from articles.editorial import revisions
from articles.models import (
    Article,
    EditConflict,
    Status,
    WorkingCopy,
)

# Statuses whose row visitors see, will see at its time, or saw (archived: 410 notice).
PROTECTED = frozenset({Status.PUBLISHED, Status.ARCHIVED})
# What a person edits in the form; status and history are the workflow's.
EDITABLE = ("kicker", "headline", "slug", "teaser", "body", "published_at", "lead_image",
            "topics", "cities", "people", "organisations", "related", "authors")


def is_protected(article):
    return article.status in PROTECTED


def working_copy_of(article):
    return WorkingCopy.objects.filter(article=article.pk).first()


def content_of(article):
    """What the article's form shows: its working copy if it has one, else the row."""
    working_copy = working_copy_of(article)
    return working_copy.data if working_copy else revisions.snapshot(article)


def merge(base, theirs, mine):
    """Three-way merge of content documents, field by field.

    A field only one side changed takes that side's value; a field both changed to
    different values is a conflict, left for a person to decide. Without a base (its
    version is gone) every field the two disagree on is a conflict.
    """
    merged, conflicts = {}, []
    for name in EDITABLE:
        ours, other = mine.get(name), theirs.get(name)
        if ours == other:
            merged[name] = ours
        elif base is not None and ours == base.get(name):
            merged[name] = other
        elif base is not None and other == base.get(name):
            merged[name] = ours
        else:
            merged[name] = ours
            conflicts.append(name)
    return merged, conflicts


def _claim(article, expected_version):
    """Raise the article's version from `expected_version` without touching anything
    visitors see (a bare UPDATE: no signal, no cache invalidation), or EditConflict."""
    claimed = Article.objects.filter(pk=article.pk, version=expected_version).update(
        version=F("version") + 1
    )
    if not claimed:
        raise EditConflict(article.pk)
    article.version = expected_version + 1


@transaction.atomic
def save(article, content, user, *, expected_version, correction=None, note=""):
    """Save `content` (a content document) as the article's new version, from the version
    the editor started at. Returns the revision that records it.

    A protected article keeps its row and gets the content as its working copy; any
    other article is written directly.
    """
    article = Article.objects.get(pk=article.pk)
    content = {**content, "status": article.status}
    if is_protected(article):
        _claim(article, expected_version)
        defaults = {"data": content, "updated_by": user}
        if correction is not None:
            defaults["correction"] = correction
        WorkingCopy.objects.update_or_create(article=article, defaults=defaults)
        return revisions.record(
            article, user, data=content, note=note or _("Änderungen in Bearbeitung")
        )
    revisions.apply(article, content)
    article.version = expected_version
    article.save()
    revisions.apply_relations(article, content)
    return revisions.record(article, user, note=note)


def fold_in(article, working_copy):
    """Write a working copy's content into the (locked, unsaved) article row; the caller
    saves the row, then calls `fold_in_relations`, which also drops the copy."""
    published_at = article.published_at
    revisions.apply(article, working_copy.data)
    article.published_at = article.published_at or published_at
    article._folded_copy = working_copy


def fold_in_relations(article):
    working_copy = getattr(article, "_folded_copy", None)
    if working_copy is None:
        return
    revisions.apply_relations(article, working_copy.data)
    working_copy.delete()
    del article._folded_copy


def publish_changes(article, working_copy, *, at):
    """Make the working copy the live version at `at`, with its correction note."""
    fold_in(article, working_copy)
    article.modified_at = at
    if working_copy.correction.strip():
        article.corrections = [*article.corrections,
                               {"at": at.isoformat(), "text": working_copy.correction.strip()}]
    article.save()
    fold_in_relations(article)
