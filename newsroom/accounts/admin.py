from django.contrib import admin
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext_lazy as _

from .models import SecurityEvent


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """The security log: read only, for the editors-in-chief (and superusers)."""

    list_display = ["when", "kind", "username", "actor", "address", "detail"]
    list_filter = ["kind"]
    search_fields = ["username", "address"]
    list_select_related = ["actor"]
    date_hierarchy = "at"

    @admin.display(description=_("Zeit"), ordering="at")
    def when(self, event):
        return date_format(timezone.localtime(event.at), "d.m.Y H:i:s")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
