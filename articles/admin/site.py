"""The legal pages and the main navigation: what editors keep on every public page."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from articles.admin.forms import VersionedModelForm
from articles.models import LegalPage, LegalPageVersion, NavigationItem
from articles.public import legal

from .common import NewsroomAdminMixin, VersionedAdminMixin


class LegalPageVersionInline(admin.TabularInline):
    """Every saved version, newest first, read-only: what stood there and when."""

    model = LegalPageVersion
    extra = 0
    can_delete = False
    fields = ["version", "saved_at", "user", "title", "body", "responsible"]
    readonly_fields = fields
    verbose_name_plural = _("Frühere Fassungen")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(LegalPage)
class LegalPageAdmin(VersionedAdminMixin, NewsroomAdminMixin, admin.ModelAdmin):
    form = VersionedModelForm
    list_display = ["title", "kind", "updated_at"]
    fieldsets = [(None, {"fields": ["title", "body", "responsible"]})]
    inlines = [LegalPageVersionInline]

    def has_add_permission(self, request):
        # The three pages exist from the start (migration 0014); there is no fourth.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        legal.save(obj, request.user, expected_version=form.cleaned_data.get("edit_version"))


@admin.register(NavigationItem)
class NavigationItemAdmin(NewsroomAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "position", "topic", "city"]
    list_editable = ["position"]
    autocomplete_fields = ["topic", "city"]
    fields = ["position", "topic", "city"]
