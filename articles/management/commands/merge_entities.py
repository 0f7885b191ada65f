from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.vocabulary import merge


class Command(BaseCommand):
    help = gettext_lazy(
        "Führt ein Thema, einen Ort, eine Person oder eine Organisation in einen anderen "
        "Eintrag derselben Art über: Artikel und Funktionen wechseln, der Name wird anderer "
        "Name, die alten Adressen leiten weiter (301)."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(merge.KINDS))
        parser.add_argument("source", help=gettext_lazy("Kurzname des Eintrags, der aufgeht."))
        parser.add_argument("target", help=gettext_lazy("Kurzname des Eintrags, der bleibt."))

    def handle(self, *args, kind, source, target, **options):
        found = {slug: merge.find(kind, slug) for slug in (source, target)}
        for slug, subject in found.items():
            if subject is None:
                raise CommandError(_("„%(slug)s“ gibt es nicht.") % {"slug": slug})
        try:
            done = merge.merge(found[source], found[target])
        except merge.MergeRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        for line in done.lines():
            self.stdout.write(line)
