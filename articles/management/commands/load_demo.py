from django.core.management.base import BaseCommand
from django.utils.translation import gettext_lazy as _

from articles import demo


class Command(BaseCommand):
    help = _(
        "Lädt die Demo-Redaktion: Artikel, Teaser, Personen, Organisationen und Schlagwörter "
        "der Vorlagenseite. Mehrfach ausführbar, ohne Dubletten."
    )

    def handle(self, *args, **options):
        tally = demo.load()
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS(str(tally)))
