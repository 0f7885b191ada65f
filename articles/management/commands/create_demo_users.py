from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from articles import demo

# Where `make run` serves the site unless told otherwise (`--site-url`; make passes
# HOST and PORT).
DEVELOPMENT_SERVER = "http://127.0.0.1:8000"


class Command(BaseCommand):
    help = _(
        "Legt die Demo-Zugänge „chefredaktion“ (Chefredaktion) und „redaktion“ (Redaktion) an. "
        "Passwörter aus DEMO_EDITOR_PASSWORD und DEMO_JOURNALIST_PASSWORD, sonst zufällig; "
        "bestehende Passwörter bleiben erhalten."
    )

    def add_arguments(self, parser):
        parser.add_argument("--site-url", default=DEVELOPMENT_SERVER,
                            help=_("Adresse der Website, für den Hinweis zur Anmeldung."))

    def handle(self, *args, **options):
        try:
            logins = demo.create_users()
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            _("Demo-Zugänge, Anmeldung unter %(url)s")
            % {"url": options["site_url"].rstrip("/") + reverse("admin:index")}
        )
        for login in logins:
            names = {
                "group": login.spec.group,
                "username": login.user.get_username(),
                "password": login.password,
                "variable": login.spec.password_variable,
            }
            if login.password:
                line = _("  %(group)s: Benutzername „%(username)s“, Passwort „%(password)s“")
            else:
                line = _(
                    "  %(group)s: Benutzername „%(username)s“, Passwort unverändert "
                    "(neu setzen mit %(variable)s)"
                )
            self.stdout.write(line % names)
