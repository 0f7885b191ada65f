from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, When
from django.http import JsonResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from articles.admin.forms import TagAdminForm
from articles.models import City, Topic
from articles.models.tags import tag_key

from .common import NewsroomAdminMixin, search_text

SUGGESTION_LIMIT = 10


class TagAdmin(NewsroomAdminMixin, admin.ModelAdmin):
    """Topics and cities: their list, and the suggestions behind the article's tag inputs."""

    form = TagAdminForm
    list_display = ["name", "slug", "article_count"]
    search_fields = ["name"]

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
        names = (
            self.model._default_manager.filter(name_key__contains=key)
            .annotate(later=Case(When(name_key__startswith=key, then=0), default=1))
            .order_by("later", "name")
            .values_list("name", flat=True)[:SUGGESTION_LIMIT]
        )
        return JsonResponse({"results": list(names)})


@admin.register(Topic)
class TopicAdmin(TagAdmin):
    fields = ["name", "slug"]


@admin.register(City)
class CityAdmin(TagAdmin):
    list_display = [*TagAdmin.list_display, "state"]
    list_filter = ["state"]
    fields = ["name", "slug", "state"]
