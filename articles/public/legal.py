"""Impressum, Datenschutz and Kontakt: the one writer of the legal pages, and what the
public pages read of them."""

from django.core import checks
from django.db import DatabaseError, transaction
from django.urls.converters import StringConverter
from django.utils.translation import gettext as _

from articles.models import LegalPage, LegalPageKind, LegalPageVersion
from articles.sanitize import clean_html


class LegalPageConverter(StringConverter):
    """/impressum/, /datenschutz/ and /kontakt/."""

    regex = "|".join(kind.value for kind in LegalPageKind)


def page_for(kind):
    """The legal page of `kind`; an unsaved, empty one when nobody wrote it yet."""
    return LegalPage.objects.filter(kind=kind).first() or LegalPage(
        kind=kind, title=LegalPageKind(kind).label)


@transaction.atomic
def save(page, user, *, expected_version=None):
    """Save `page` with its text sanitised and keep this version of it. A save from an
    outdated copy raises StaleSave (articles.models.versioning)."""
    page.body = clean_html(page.body)
    page.responsible = page.responsible.strip()
    if page.pk is not None:
        page.claim_version(page.version if expected_version is None else expected_version)
    page.save()
    LegalPageVersion.objects.create(
        page=page, version=page.version, user=user, title=page.title, body=page.body,
        responsible=page.responsible,
    )
    return page


def empty_impressum():
    """Whether the Impressum still lacks its text or the person responsible (§ 18 MStV)."""
    return page_for(LegalPageKind.IMPRESSUM).is_empty


def impressum_check(app_configs=None, **kwargs):
    """`manage.py check --deploy` warns while the Impressum lacks its text or the person
    responsible: a German news site must not go live without them (§ 5 DDG, § 18 MStV)."""
    try:
        empty = empty_impressum()
    except DatabaseError:
        # Not migrated yet, or the database is away: nothing to tell about it.
        return []
    if not empty:
        return []
    return [checks.Warning(
        _("Das Impressum ist leer oder nennt keine verantwortliche Person nach § 18 Abs. 2 "
          "MStV."),
        hint=_("Im Admin unter „Rechtliche Seiten“ → „Impressum“ ausfüllen."),
        id="newsroom.W001",
    )]
