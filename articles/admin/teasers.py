from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from articles.admin.forms import VersionedModelForm
from articles.models import Teaser

from .common import NewsroomAdminMixin, VersionedAdminMixin


@admin.register(Teaser)
class TeaserAdmin(VersionedAdminMixin, NewsroomAdminMixin, admin.ModelAdmin):
    form = VersionedModelForm
    list_display = [
        "headline_shown", "placement", "position", "active_from", "active_until"
    ]
    list_display_links = ["headline_shown"]
    list_editable = ["position"]
    list_filter = ["placement"]
    list_select_related = ["article"]
    search_fields = ["headline", "article__headline"]
    autocomplete_fields = ["article", "image"]
    fieldsets = [
        (None, {"fields": ["placement", "position", "article"]}),
        (
            _("Abweichend vom Artikel"),
            {
                "fields": ["kicker", "headline", "text", "image"],
                "description": _("Leere Felder übernehmen die Angaben des Artikels."),
            },
        ),
        (_("Sichtbarkeit"), {"fields": ["active_from", "active_until"]}),
    ]

    @admin.display(description=_("Überschrift"), ordering="article__headline")
    def headline_shown(self, obj):
        return obj.display_headline
