from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.importers import backup


class Command(BaseCommand):
    help = gettext_lazy(
        "Schreibt die ganze Redaktion in ein Archiv (ZIP): Artikel mit Versionen, "
        "Workflow-Schritten und Weiterleitungen, Personen, Organisationen, Themen, Kommunen, "
        "Teaser, Bilder mit Originaldateien und Nachweisen, Nutzerkonten und Gruppen."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help=gettext_lazy("Wohin das Archiv geschrieben wird."))

    def handle(self, *args, path, **options):
        try:
            manifest = backup.export_archive(path)
        except backup.ArchiveError as error:
            raise CommandError(error) from error
        if options["verbosity"]:
            message = _("Archiv %(path)s geschrieben: %(contents)s.") % {
                "path": path, "contents": backup.contents(manifest)
            }
            self.stdout.write(self.style.SUCCESS(message))
