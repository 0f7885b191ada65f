from django.core.management.base import BaseCommand
from django.utils.translation import gettext_lazy as _

from articles import images


class Command(BaseCommand):
    help = _(
        "Nur mit Objektspeicher: Erzeugt die Bildvarianten der Bilder, die inzwischen "
        "öffentlich sind, und löscht die der Bilder, die es nicht mehr sind (etwa nach dem "
        "Ende eines Teasers). Für cron, etwa alle fünf Minuten."
    )

    def handle(self, *args, **options):
        # Saves and publications do this themselves; the clock alone does not save.
        made = images.follow_publicity(images.out_of_step())
        if options["verbosity"]:
            self.stdout.write(
                self.style.SUCCESS(_("%(count)d Bildvarianten erzeugt.") % {"count": made})
            )
