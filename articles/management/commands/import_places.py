from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.vocabulary import places


class Command(BaseCommand):
    help = gettext_lazy(
        "Liest das Gemeindeverzeichnis von Destatis (GV100AD) und ergänzt die Orte um "
        "amtlichen Schlüssel, Art und übergeordneten Kreis und Land. Eine fehlerhafte "
        "Datei ändert nichts."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help=gettext_lazy("GV100AD-Datei (Festbreitenformat)."))

    def handle(self, *args, file, **options):
        try:
            data = Path(file).read_bytes()
            report = places.import_places(data)
        except OSError as error:
            raise CommandError(_("Die Datei lässt sich nicht lesen: %(error)s") % {
                "error": error.strerror or error}) from error
        except places.PlaceFileError as error:
            raise CommandError(_("%(problem)s Es wurde nichts geändert.") % {
                "problem": error}) from error
        self.stdout.write(_(
            "%(updated)d Orte ergänzt, %(unchanged)d schon aktuell, %(created)d Kreise und "
            "Länder angelegt, %(unmatched)d ohne Treffer, %(ambiguous)d mehrdeutig.") % {
                "updated": len(report.updated), "unchanged": len(report.unchanged),
                "created": len(report.created), "unmatched": len(report.unmatched),
                "ambiguous": len(report.ambiguous)})
        for place in report.created:
            self.stdout.write(_("Angelegt: %(name)s (%(key)s)") % {
                "name": place.name, "key": place.ags})
        for place in report.unmatched:
            self.stdout.write(_("Nicht gefunden: %(name)s") % {"name": place.name})
        for place, names in report.ambiguous:
            self.stdout.write(_("Mehrdeutig: %(name)s – passt zu %(names)s") % {
                "name": place.name, "names": ", ".join(names)})
