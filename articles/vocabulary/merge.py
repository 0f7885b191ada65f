"""Merging two topics, places, people or organisations, and renaming one: the one writer
of a subject's identity.

A merge moves everything about the one that goes (articles, roles, places and
organisations that point at it, pending changes that name it) to the one that stays, in
one transaction; the name that goes becomes another name of the survivor, and its old
page and feed addresses answer 301 (SubjectRedirect). A rename keeps the old address the
same way. Articles affected by a merge record it in their history.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from articles import surrogate_keys
from articles.models import (
    Affiliation,
    Article,
    City,
    Organisation,
    Person,
    SubjectRedirect,
    TaggedCity,
    TaggedTopic,
    Teaser,
    Topic,
    WorkflowEvent,
    WorkingCopy,
)
from articles.models.history import Transition

KINDS = {"topic": Topic, "city": City, "person": Person, "organisation": Organisation}
# Each kind's link to articles: (link model, its subject field, its article field).
LINKS = {
    "topic": (TaggedTopic, "tag", "content_object"),
    "city": (TaggedCity, "tag", "content_object"),
    "person": (Article.people.through, "person", "article"),
    "organisation": (Article.organisations.through, "organisation", "article"),
}


class MergeRefused(Exception):
    """A merge that cannot be done; the message says why, in German."""


def kind_of(subject):
    return subject._meta.model_name


@dataclass
class MergePlan:
    """What merging `source` into `target` changes, counted before it is done."""

    source: object
    target: object
    article_ids: list = field(default_factory=list)
    teasers: int = 0
    roles: int = 0
    places: int = 0
    organisations: int = 0
    pending_changes: int = 0
    redirects: int = 0

    @property
    def articles(self):
        return len(self.article_ids)

    def lines(self):
        """What will change, in German, for the confirmation page and the command."""
        names = {"target": self.target, "source": self.source}
        counts = [
            (self.articles, ngettext("%(count)d Artikel wechselt zu „%(target)s“",
                                     "%(count)d Artikel wechseln zu „%(target)s“",
                                     self.articles)),
            (self.teasers, ngettext("%(count)d Teaser zeigt einen dieser Artikel",
                                    "%(count)d Teaser zeigen diese Artikel", self.teasers)),
            (self.roles, ngettext("%(count)d Funktion wechselt", "%(count)d Funktionen wechseln",
                                  self.roles)),
            (self.places, ngettext("%(count)d Ort liegt künftig in „%(target)s“",
                                   "%(count)d Orte liegen künftig in „%(target)s“",
                                   self.places)),
            (self.organisations, ngettext("%(count)d Organisation wechselt",
                                          "%(count)d Organisationen wechseln",
                                          self.organisations)),
            (self.pending_changes, ngettext("%(count)d Arbeitskopie wird angepasst",
                                            "%(count)d Arbeitskopien werden angepasst",
                                            self.pending_changes)),
            (self.redirects, ngettext("%(count)d ältere Adresse leitet künftig dorthin weiter",
                                      "%(count)d ältere Adressen leiten künftig dorthin weiter",
                                      self.redirects)),
        ]
        lines = [text % {**names, "count": count} for count, text in counts if count]
        lines.append(_("„%(source)s“ wird anderer Name von „%(target)s“; seine Seite und "
                       "Feeds leiten dauerhaft (301) auf „%(target)s“ weiter.") % names)
        return lines


def _refusal(source, target):
    if type(source) is not type(target):
        return _("Nur Einträge derselben Art lassen sich zusammenführen.")
    if source.pk == target.pk:
        return _("Ein Eintrag lässt sich nicht mit sich selbst zusammenführen.")
    if isinstance(target, City) and source.pk in _ancestors(target):
        return _("„%(target)s“ liegt in „%(source)s“: führen Sie umgekehrt zusammen.") % {
            "target": target, "source": source}
    return None


def _ancestors(place):
    found, parent = set(), place.parent
    while parent is not None and parent.pk not in found:
        found.add(parent.pk)
        parent = parent.parent
    return found


def plan(source, target):
    """The MergePlan of `source` into `target`; raises MergeRefused when it cannot be."""
    refusal = _refusal(source, target)
    if refusal:
        raise MergeRefused(refusal)
    kind = kind_of(source)
    link, subject_field, article_field = LINKS[kind]
    ids = sorted(link.objects.filter(**{subject_field: source})
                 .values_list(article_field, flat=True).distinct())
    result = MergePlan(source, target, article_ids=ids)
    result.teasers = Teaser.objects.filter(article__in=ids).count()
    if kind in ("person", "organisation"):
        result.roles = Affiliation.objects.filter(**{kind: source}).count()
    if kind == "city":
        result.places = City.objects.filter(parent=source).count()
        result.organisations = Organisation.objects.filter(city=source).count()
    if kind == "organisation":
        result.organisations = Organisation.objects.filter(parent=source).count()
    result.pending_changes = len(_working_copies_naming(source))
    result.redirects = _redirects_to(source).count()
    return result


def _redirects_to(subject):
    return SubjectRedirect.objects.filter(kind=kind_of(subject), target_id=subject.pk)


def _relation(subject):
    """The name a revision's document gives the subject's relation to articles."""
    return Article._meta.get_field(subject.article_field).name


def _working_copies_naming(subject):
    """Pending changes that name `subject`: as a tag name (topics, places) or by id."""
    relation = _relation(subject)
    if isinstance(subject, (Topic, City)):
        return [copy for copy in WorkingCopy.objects.all()
                if subject.name in copy.data.get(relation, [])]
    return [copy for copy in WorkingCopy.objects.all()
            if any(ref.get("id") == subject.pk for ref in copy.data.get(relation, []))]


def _rename_in_working_copies(source, target):
    relation = _relation(source)
    for copy in _working_copies_naming(source):
        if isinstance(source, (Topic, City)):
            names = [target.name if n == source.name else n for n in copy.data[relation]]
            copy.data[relation] = sorted(set(names))
        else:
            refs = [{"id": target.pk, "name": target.name} if r.get("id") == source.pk else r
                    for r in copy.data[relation]]
            unique = {r["id"]: r for r in refs}
            copy.data[relation] = sorted(unique.values(), key=lambda r: (r["name"], r["id"]))
        copy.save(update_fields=["data"])


def _move_links(source, target):
    link, subject_field, article_field = LINKS[kind_of(source)]
    already = link.objects.filter(**{subject_field: target}).values(article_field)
    # An article about both keeps its one link to the survivor.
    link.objects.filter(**{subject_field: source, f"{article_field}__in": already}).delete()
    link.objects.filter(**{subject_field: source}).update(**{subject_field: target})


def _move_references(source, target):
    kind = kind_of(source)
    if kind in ("person", "organisation"):
        Affiliation.objects.filter(**{kind: source}).update(**{kind: target})
    if kind == "person" and target.portrait_id is None:
        target.portrait_id = source.portrait_id
    if kind == "organisation":
        Organisation.objects.filter(parent=source).exclude(pk=target.pk).update(parent=target)
        if target.parent_id == source.pk:
            target.parent_id = source.parent_id
    if kind == "city":
        City.objects.filter(parent=source).exclude(pk=target.pk).update(parent=target)
        Organisation.objects.filter(city=source).update(city=target)
        for name in ("ags", "kind"):
            if not getattr(target, name):
                setattr(target, name, getattr(source, name))
        if target.parent_id is None or target.parent_id == source.pk:
            target.parent_id = source.parent_id


@transaction.atomic
def merge(source, target, user=None):
    """Merge `source` into `target` (same kind); returns the MergePlan that was done."""
    refusal = _refusal(source, target)
    if refusal:
        raise MergeRefused(refusal)
    model = type(target)
    # Locked against a second editor merging or editing either at the same time.
    locked = {s.pk: s for s in model.objects.select_for_update().filter(
        pk__in=[source.pk, target.pk])}
    if len(locked) != 2:
        raise MergeRefused(_("Einer der beiden Einträge existiert nicht mehr."))
    source, target = locked[source.pk], locked[target.pk]
    done = plan(source, target)
    _move_links(source, target)
    _move_references(source, target)
    _rename_in_working_copies(source, target)
    target.add_aliases(source.name, *source.alias_list)
    kind = kind_of(source)
    _redirects_to(source).update(target_id=target.pk)
    comment = _("%(kind)s „%(source)s“ in „%(target)s“ zusammengeführt") % {
        "kind": model._meta.verbose_name, "source": source, "target": target}
    WorkflowEvent.objects.bulk_create([
        WorkflowEvent(article_id=article_id, transition=Transition.MERGE_SUBJECT,
                      from_status=status, to_status=status, user=user, comment=comment)
        for article_id, status in Article.objects.filter(pk__in=done.article_ids)
        .values_list("pk", "status")
    ])
    old_slug, ags = source.slug, getattr(source, "ags", "")
    source.delete()
    # The key is unique: it can pass to the survivor only once the source is gone.
    if ags and not target.ags:
        target.ags = ags
    target.save()
    SubjectRedirect.objects.update_or_create(
        kind=kind, old_slug=old_slug, defaults={"target_id": target.pk})
    # Links were moved without their signals; every page may name either subject.
    surrogate_keys.changed_everything()
    return done


def find(kind, slug):
    """The subject of `kind` ("topic" ...) with `slug`, or None."""
    return KINDS[kind].objects.filter(slug=slug).first()


# Renames -----------------------------------------------------------------------------------


def _before_save(sender, instance, **kwargs):
    if instance.pk is not None:
        instance._slug_before = (
            sender.objects.filter(pk=instance.pk).values_list("slug", flat=True).first())


def _after_save(sender, instance, created=False, **kwargs):
    """A new slug: the old one answers 301 to it, and a slug in use is nobody's old one."""
    kind = kind_of(instance)
    SubjectRedirect.objects.filter(kind=kind, old_slug=instance.slug).delete()
    before = instance.__dict__.pop("_slug_before", None)
    if before and before != instance.slug:
        SubjectRedirect.objects.update_or_create(
            kind=kind, old_slug=before, defaults={"target_id": instance.pk})
        surrogate_keys.changed_everything()


def _after_delete(sender, instance, **kwargs):
    _redirects_to(instance).delete()


def connect():
    """Keep old addresses on renames; called from apps.ready()."""
    from django.db.models.signals import post_delete, post_save, pre_save

    for kind, model in KINDS.items():
        uid = f"vocabulary-redirects-{kind}"
        pre_save.connect(_before_save, sender=model, dispatch_uid=uid)
        post_save.connect(_after_save, sender=model, dispatch_uid=uid)
        post_delete.connect(_after_delete, sender=model, dispatch_uid=uid)

