from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.importers import common, wordpress, wxr


class Command(BaseCommand):
    help = gettext_lazy(
        "Importiert Beiträge, Autorinnen und Autoren, Kategorien, Schlagwörter und Bilder "
        "aus einer WordPress-Exportdatei (WXR 1.1 oder 1.2). Alte Adressen leiten weiter; "
        "ein zweiter Lauf ändert nichts."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help=gettext_lazy("Die WordPress-Exportdatei (XML)."))
        parser.add_argument(
            "--media-dir",
            help=gettext_lazy("Der Ordner wp-content/uploads der alten Website; Bilder "
                              "werden nur von dort gelesen, nie heruntergeladen."),
        )
        parser.add_argument("--dry-run", action="store_true",
                            help=gettext_lazy("Nur prüfen und zählen, nichts speichern."))

    def handle(self, *args, path, media_dir, dry_run, verbosity, **options):
        if media_dir and not Path(media_dir).is_dir():
            raise CommandError(_("Den Medienordner %(path)s gibt es nicht. Es wurde nichts "
                                 "importiert.") % {"path": media_dir})
        progress = common.Progress(self.stderr, 0, _("Beiträge")) if verbosity else None

        def report(done, total):
            progress.total = max(total, 1)
            progress.update(done)

        try:
            tally = wordpress.import_export(path, media_dir=media_dir, dry_run=dry_run,
                                            progress=report if progress else None)
        except wxr.NotWXR as error:
            raise CommandError(_("%(problem)s Es wurde nichts importiert.")
                               % {"problem": error}) from error
        if progress and progress.shown >= 0:
            progress.finish()
        common.print_summary(self, tally, dry_run=dry_run, verbosity=verbosity)
