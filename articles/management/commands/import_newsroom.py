from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.importers import backup


class Command(BaseCommand):
    help = gettext_lazy(
        "Stellt ein mit export_newsroom geschriebenes Archiv in einer frisch migrierten, "
        "leeren Datenbank wieder her, samt Bilddateien, Bildvarianten und Suchindex."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help=gettext_lazy("Das Archiv, das importiert wird."))

    def handle(self, *args, path, **options):
        try:
            manifest = backup.import_archive(path)
        except backup.ArchiveError as error:
            raise CommandError(
                _("%(problem)s Es wurde nichts importiert.") % {"problem": error}
            ) from error
        if options["verbosity"]:
            message = _("Archiv %(path)s importiert: %(contents)s.") % {
                "path": path, "contents": backup.contents(manifest)
            }
            self.stdout.write(self.style.SUCCESS(message))
