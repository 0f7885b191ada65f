"""What an article is about (topics, cities, people, organisations) as visitors know it.

A name may be under embargo: the managing director who has not been announced, the
company not yet founded, the topic that gives a story away. So a subject has a page, a
feed, a filter option and a sitemap entry only while a public article is about it, and
every public surface asks through `public()`.
"""

from django.db import models
from django.db.models import Exists, OuterRef
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

    @property
    def alias_list(self):
        return [" ".join(line.split()) for line in self.aliases.splitlines() if line.strip()]


class SubjectQuerySet(models.QuerySet):
    def public(self):
        """The subjects at least one public article is about (now: called per request)."""
        from .article import Article

        field = self.model.article_field
        return self.filter(
            Exists(Article.objects.published().filter(**{field: OuterRef("pk")}))
        )
