"""App configurations the project adjusts."""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _


class LoginRecordsConfig(AxesAppConfig):
    """django-axes, under a heading editors understand: the admin lists its records as
    "Anmeldeprotokoll" instead of "Axes"."""

    verbose_name = _("Anmeldeprotokoll")
