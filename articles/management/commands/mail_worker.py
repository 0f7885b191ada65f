from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext_lazy

from articles.newsletter import tasks


class Command(BaseCommand):
    help = gettext_lazy(
        "Der Versand-Worker neben gunicorn: führt die Aufgaben der Warteschlange aus "
        "(django-tasks, Datenbank) und prüft jede Minute, was fällig ist."
    )

    def handle(self, *args, **options):
        tasks.schedule_tick()
        # django-tasks-db's worker: restarts on code changes with DEBUG on, as runserver.
        call_command("db_worker", verbosity=options["verbosity"])
