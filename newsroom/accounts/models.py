from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SecurityEvent(models.Model):
    """One line of the security log: who, what, when and from which address."""

    class Kind(models.TextChoices):
        SIGNED_IN = "signed_in", _("Anmeldung mit Passwort")
        VERIFIED = "verified", _("Zweiter Faktor bestätigt")
        CODE_FAILED = "code_failed", _("Falscher Code")
        PASSKEY_FAILED = "passkey_failed", _("Passkey abgelehnt")
        FACTOR_ADDED = "factor_added", _("Zweiter Faktor eingerichtet")
        FACTOR_REMOVED = "factor_removed", _("Zweiter Faktor entfernt")
        CODES_RENEWED = "codes_renewed", _("Neue Wiederherstellungscodes")
        RESET = "reset", _("Zweiter Faktor zurückgesetzt")
        SESSIONS_ENDED = "sessions_ended", _("Andere Sitzungen beendet")
        PASSWORD_CHANGED = "password_changed", _("Passwort geändert")

    at = models.DateTimeField(_("Zeit"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("Ereignis"), max_length=20, choices=Kind.choices)
    # The member concerned; the name stays readable when the account is deleted.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             related_name="security_events", verbose_name=_("Konto"))
    username = models.CharField(_("Anmeldename"), max_length=150)
    # Who did it, when that is someone else (an editor-in-chief's reset).
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+", verbose_name=_("durch"))
    address = models.GenericIPAddressField(_("Adresse"), null=True, blank=True)
    detail = models.CharField(_("Einzelheiten"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("Sicherheitsereignis")
        verbose_name_plural = _("Sicherheitsereignisse")
        ordering = ["-at", "-pk"]
        permissions = [("reset_second_factor", _("Darf den zweiten Faktor anderer zurücksetzen"))]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.username}"


class StaffSession(models.Model):
    """A signed-in session, so that its member can see it and end it from elsewhere."""

    session_key = models.CharField(max_length=40, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="staff_sessions")
    started_at = models.DateTimeField(auto_now_add=True)
    address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.user_id}: {self.started_at:%d.%m.%Y %H:%M}"
