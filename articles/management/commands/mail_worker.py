from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext_lazy

from articles.newsletter import tasks


class Command(BaseCommand):
    help = gettext_lazy(
        "Der Versand-Worker neben gunicorn: führt die Aufgaben der Warteschlange aus "
        "(django-tasks, Datenbank) und prüft jede Minute, was fällig ist."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reload", action="store_true",
                            help=gettext_lazy("Bei Codeänderungen neu starten (Entwicklung)."))

    def handle(self, *args, reload=False, **options):
        tasks.schedule_tick()
        call_command("db_worker", reload=reload, verbosity=options["verbosity"])
