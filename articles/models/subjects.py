"""What an article is about (topics, cities, people, organisations) as visitors know it.

A name may be under embargo: the managing director who has not been announced, the
company not yet founded, the topic that gives a story away. So a subject has a page, a
feed, a filter option and a sitemap entry only while a public article is about it, and
every public surface asks through `public()`.
"""

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _


class Aliased(models.Model):
    """Other names a subject goes by ("OZG" for the Onlinezugangsgesetz, "KL" for
    Kaiserslautern): search, the admin's autocomplete and the suggestions use them."""

    aliases = models.TextField(
        _("Andere Namen"),
        blank=True,
        help_text=_("Ein Name je Zeile: Abkürzungen, frühere Namen, andere Schreibweisen."),
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # One name a line and nothing else, so that SQL can match a whole line (search).
        self.aliases = "\n".join(self.alias_list)
        super().save(*args, **kwargs)

    @property
    def alias_list(self):
        return [" ".join(line.split()) for line in self.aliases.splitlines() if line.strip()]

    def add_aliases(self, *names):
        """Append names not yet known as this subject's name or alias (merges, renames)."""
        known = {name_key(n) for n in [str(self), *self.alias_list]}
        new = [n for n in dict.fromkeys(" ".join(n.split()) for n in names)
               if n and name_key(n) not in known]
        self.aliases = "\n".join([*self.alias_list, *new])
        return bool(new)


def called(text, prefix=""):
    """Q for the subjects one of whose other names is `text` (case as the database folds
    it; aliases are stored one a line, see Aliased.save)."""
    name = " ".join(str(text).split())
    if not name:
        return Q(pk__in=[])
    field = f"{prefix}aliases"
    return (Q(**{f"{field}__iexact": name}) | Q(**{f"{field}__istartswith": f"{name}\n"})
            | Q(**{f"{field}__iendswith": f"\n{name}"})
            | Q(**{f"{field}__icontains": f"\n{name}\n"}))


def name_key(name):
    """How names and aliases compare: case and spacing do not count."""
    return " ".join(str(name).split()).casefold()


class SubjectQuerySet(models.QuerySet):
    def public(self):
        """The subjects at least one public article is about (now: called per request)."""
        from .article import Article

        field = self.model.article_field
        return self.filter(
            Exists(Article.objects.published().filter(**{field: OuterRef("pk")}))
        )

    def by_alias(self, name):
        """The subjects one of whose other names is `name`, regardless of case and
        spacing (the database narrows, Python decides: SQLite folds only ASCII)."""
        key = name_key(name)
        return [s for s in self.filter(called(name))
                if key in {name_key(a) for a in s.alias_list}]


class SubjectRedirectQuerySet(models.QuerySet):
    def moved(self, subjects, slug):
        """The subject among `subjects` that `slug` was an address of, or None (one
        query, asked only when no subject has the slug)."""
        target = self.filter(kind=subjects.model._meta.model_name, old_slug=slug)
        return subjects.filter(pk__in=target.values("target_id")).first()


class SubjectRedirect(models.Model):
    """An old address of a topic, place, person or organisation (renamed, or merged into
    another): its page and feeds answer 301 to the subject's current ones."""

    class Kind(models.TextChoices):
        TOPIC = "topic", _("Thema")
        CITY = "city", _("Kommune")
        PERSON = "person", _("Person")
        ORGANISATION = "organisation", _("Organisation")

    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices)
    old_slug = models.SlugField(_("alter Kurzname"), max_length=200)
    # The subject's id in the model `kind` names; its redirects go with it (vocabulary).
    target_id = models.PositiveBigIntegerField(_("jetzt"))
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    objects = SubjectRedirectQuerySet.as_manager()

    class Meta:
        verbose_name = _("Weiterleitung eines Schlagworts")
        verbose_name_plural = _("Weiterleitungen von Schlagwörtern")
        constraints = [
            models.UniqueConstraint(fields=["kind", "old_slug"], name="unique_subject_redirect")
        ]

    def __str__(self):
        return f"{self.kind}/{self.old_slug}"
