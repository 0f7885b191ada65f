from django.contrib import admin

from articles.admin.forms import VersionedSluggedAdminForm
from articles.models import Affiliation, Organisation, Person

from .common import URL_FIELD_OVERRIDES, NewsroomAdminMixin, VersionedAdminMixin
from .merge import MergeActionMixin


class AffiliationInline(NewsroomAdminMixin, admin.TabularInline):
    model = Affiliation
    fields = ["organisation", "role", "start_date", "end_date"]
    autocomplete_fields = ["organisation"]
    extra = 1

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation")


@admin.register(Person)
class PersonAdmin(MergeActionMixin, VersionedAdminMixin, NewsroomAdminMixin, admin.ModelAdmin):
    form = VersionedSluggedAdminForm
    list_display = ["name", "description"]
    search_fields = ["name", "aliases"]
    autocomplete_fields = ["portrait"]
    inlines = [AffiliationInline]
    fields = ["name", "slug", "aliases", "description", "portrait"]


@admin.register(Organisation)
class OrganisationAdmin(MergeActionMixin, VersionedAdminMixin, NewsroomAdminMixin,
                        admin.ModelAdmin):
    formfield_overrides = URL_FIELD_OVERRIDES
    form = VersionedSluggedAdminForm
    list_display = ["name", "kind", "city", "parent"]
    list_filter = ["kind"]
    search_fields = ["name", "aliases"]
    list_select_related = ["city", "parent"]
    autocomplete_fields = ["city", "parent"]
    fields = ["name", "slug", "aliases", "kind", "city", "parent", "website"]
