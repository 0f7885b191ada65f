from django.core.management.base import BaseCommand
from django.utils.translation import gettext_lazy as _

from articles import images
from articles.models import Image


class Command(BaseCommand):
    help = _(
        "Erzeugt die fehlenden Bildvarianten aller Bilder (neue Bilder bekommen sie beim "
        "Speichern), mit Objektspeicher nur die der öffentlichen Bilder. Mehrfach "
        "ausführbar: Vorhandene Varianten bleiben, wie sie sind."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--replace",
            action="store_true",
            help=_("Alle Varianten neu erzeugen, etwa nach einer Änderung der Größen."),
        )

    def handle(self, *args, replace=False, **options):
        if images.renditions_follow_publicity():
            # Object storage holds the renditions of public pictures only.
            made = images.follow_publicity(Image.objects.all(), replace=replace)
        else:
            made = sum(images.make_renditions(image, replace=replace)
                       for image in Image.objects.exclude(file="").iterator())
        if options["verbosity"]:
            self.stdout.write(
                self.style.SUCCESS(_("%(count)d Bildvarianten erzeugt.") % {"count": made})
            )
