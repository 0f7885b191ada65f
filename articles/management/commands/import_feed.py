from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.importers import common, feeds


class Command(BaseCommand):
    help = gettext_lazy(
        "Importiert die Meldungen eines RSS- oder Atom-Feeds (Datei oder http(s)-Adresse) "
        "als Entwürfe, mit der Quelle unter dem Text; ein zweiter Lauf fügt nur neue hinzu."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help=gettext_lazy("Datei oder http(s)-Adresse des Feeds."))
        parser.add_argument("--topic", help=gettext_lazy("Kurzname eines Themas für alle "
                                                         "neuen Artikel."))
        parser.add_argument("--place", help=gettext_lazy("Kurzname einer Kommune für alle "
                                                         "neuen Artikel."))
        parser.add_argument("--publish", action="store_true",
                            help=gettext_lazy("Sofort veröffentlichen statt als Entwurf."))

    def handle(self, *args, source, topic, place, publish, verbosity, **options):
        try:
            tally = feeds.import_feed(source, topic=topic, place=place, publish=publish)
        except feeds.FeedError as error:
            raise CommandError(_("%(problem)s Es wurde nichts importiert.")
                               % {"problem": error}) from error
        common.print_summary(self, tally, verbosity=verbosity)
