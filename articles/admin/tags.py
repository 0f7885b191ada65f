from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, Q, When
from django.http import JsonResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from articles.admin.forms import TagAdminForm
from articles.models import City, Topic
from articles.models.tags import tag_key

from .common import NewsroomAdminMixin, search_text
from .merge import MergeActionMixin

SUGGESTION_LIMIT = 10


class TagAdmin(MergeActionMixin, NewsroomAdminMixin, admin.ModelAdmin):
    """Topics and cities: their list, and the suggestions behind the article's tag inputs."""

    form = TagAdminForm
    list_display = ["name", "slug", "article_count"]
    search_fields = ["name", "aliases"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("tagged_articles"))

    @admin.display(description=_("Artikel"), ordering="article_count")
    def article_count(self, obj):
        return obj.article_count

    def get_urls(self):
        opts = self.opts
        suggest = path(
            "suggest/",
            self.admin_site.admin_view(self.suggest_view),
            name=f"{opts.app_label}_{opts.model_name}_suggest",
        )
        # Before the defaults, whose "<object_id>/" would swallow "suggest/".
        return [suggest, *super().get_urls()]

    def suggest_view(self, request):
        """Up to SUGGESTION_LIMIT names containing ?term=, regardless of case; those that
        start with it first."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        key = tag_key(search_text(request.GET.get("term", "")))
        if not key:
            return JsonResponse({"results": []})
        term = " ".join(search_text(request.GET.get("term", "")).split())
        names = (
            self.model._default_manager.filter(
                Q(name_key__contains=key) | Q(aliases__icontains=term))
            .annotate(later=Case(When(name_key__startswith=key, then=0),
                                 When(name_key__contains=key, then=1), default=2))
            .order_by("later", "name")
            .values_list("name", flat=True)[:SUGGESTION_LIMIT]
        )
        # Another name ("OZG") offers the tag it belongs to.
        return JsonResponse({"results": list(names)})


@admin.register(Topic)
class TopicAdmin(TagAdmin):
    fields = ["name", "slug", "aliases"]


@admin.register(City)
class CityAdmin(TagAdmin):
    list_display = [*TagAdmin.list_display, "kind", "ags", "parent", "state"]
    list_filter = ["state", "kind"]
    list_select_related = ["parent"]
    search_fields = [*TagAdmin.search_fields, "=ags"]
    autocomplete_fields = ["parent"]
    fields = ["name", "slug", "aliases", "kind", "ags", "parent", "state"]
