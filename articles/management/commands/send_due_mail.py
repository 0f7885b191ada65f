from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.newsletter import mailings


class Command(BaseCommand):
    help = gettext_lazy(
        "Versendet alles, was fällig ist (Bestätigungen, Benachrichtigungen, Newsletter), "
        "und endet: für kleine Installationen, Tests und zum Nachholen."
    )

    def add_arguments(self, parser):
        parser.add_argument("--at", help=gettext_lazy(
            "Zeitpunkt (ISO 8601), zu dem fällig gilt; Standard: jetzt."))

    def handle(self, *args, at=None, **options):
        when = None
        if at:
            when = parse_datetime(at)
            if when is None:
                raise CommandError(_("--at erwartet einen Zeitpunkt wie 2025-04-28T07:00."))
            if timezone.is_naive(when):
                when = timezone.make_aware(when)
        summary = mailings.send_due(at=when)
        if options["verbosity"]:
            self.stdout.write(", ".join(f"{state}: {count}" for state, count
                                        in sorted(summary.items())) or _("Nichts fällig."))
