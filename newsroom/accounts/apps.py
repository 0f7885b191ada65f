from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "newsroom.accounts"
    label = "accounts"
    verbose_name = _("Anmeldung und Sicherheit")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from . import checks, sessions  # noqa: F401  (checks registers itself)

        user_logged_in.connect(sessions.started, dispatch_uid="accounts-session-started")
        user_logged_out.connect(sessions.ended, dispatch_uid="accounts-session-ended")
