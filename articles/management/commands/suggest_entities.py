import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy as _

from articles.editorial import livecopy
from articles.models import Article, EditConflict, Status
from articles.vocabulary import suggest

DEFAULT_MIN_CONFIDENCE = 0.8


class Command(BaseCommand):
    help = _(
        "Schlägt für Artikel die Personen, Organisationen, Orte und Themen vor, die ihr Text "
        "nennt: eine JSON-Zeile je Vorschlag. Mit --apply werden die bekannten verknüpft "
        "(veröffentlichte Artikel: in ihrer Arbeitskopie, zur Prüfung)."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--article", metavar="SLUG", help=_("Nur dieser Artikel."))
        which.add_argument("--all", action="store_true",
                           help=_("Alle Artikel außer denen im Papierkorb."))
        parser.add_argument("--apply", action="store_true",
                            help=_("Bekannte Vorschläge mit dem Artikel verknüpfen."))
        parser.add_argument(
            "--min-confidence", type=float, default=DEFAULT_MIN_CONFIDENCE, metavar="X",
            help=_("Nur Vorschläge mit mindestens dieser Sicherheit (0 bis 1; Standard "
                   "%(default)s). Neue Namen haben 0,6."),
        )

    def handle(self, *args, **options):
        article, apply, min_confidence = (options["article"], options["apply"],
                                          options["min_confidence"])
        if not 0 <= min_confidence <= 1:
            raise CommandError(_("--min-confidence liegt zwischen 0 und 1."))
        articles = Article.objects.exclude(status=Status.TRASHED).order_by("pk")
        if article is not None:
            articles = articles.filter(slug=article)
            if not articles.exists():
                raise CommandError(_("Keinen Artikel mit der Adresse „%(slug)s“ gefunden.")
                                   % {"slug": article})
        linked_count = 0
        for each in articles.iterator(chunk_size=500):
            content = livecopy.content_of(each)
            found = suggest.suggest(suggest.article_text(content), min_confidence)
            linked = set()
            if apply:
                try:
                    linked = set(suggest.link(each, found))
                except EditConflict:
                    self.stderr.write(_("„%(slug)s“ wurde gerade bearbeitet: übersprungen.")
                                      % {"slug": each.slug})
            linked_count += len(linked)
            for suggestion in found:
                line = {"article": each.slug, "kind": suggestion.kind,
                        "matched": suggestion.matched, "confidence": suggestion.confidence}
                if suggestion.is_new:
                    line["name"] = suggestion.name
                else:
                    line["slug"] = suggestion.slug
                    line["linked"] = (suggestion in linked
                                      or suggest.already_linked(content, suggestion))
                self.stdout.write(json.dumps(line, ensure_ascii=False))
        if apply:
            self.stderr.write(_("%(count)d Verknüpfungen ergänzt.") % {"count": linked_count})
