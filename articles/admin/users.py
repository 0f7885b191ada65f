from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from articles.models import Article

from .common import NewsroomAdminMixin

User = get_user_model()


def is_author_lookup(request):
    """Whether `request` is the article form's autocomplete for its authors."""
    match = request.resolver_match
    return (
        match is not None
        and match.url_name == "autocomplete"
        and request.GET.get("app_label") == Article._meta.app_label
        and request.GET.get("model_name") == Article._meta.model_name
        and request.GET.get("field_name") == "authors"
    )


class NewsroomUserAdmin(NewsroomAdminMixin, UserAdmin):
    """Django's user admin, plus: whoever may write articles may look up colleagues there
    to name them as authors, without seeing the user accounts themselves."""

    def has_view_permission(self, request, obj=None):
        if obj is None and is_author_lookup(request):
            return request.user.has_perm(f"{Article._meta.app_label}.change_article")
        return super().has_view_permission(request, obj)

    def get_queryset(self, request):
        users = super().get_queryset(request)
        # Authors are newsroom staff; visitors' or technical accounts are not offered.
        return users.filter(is_staff=True, is_active=True) if is_author_lookup(request) else users


class NamedAutocompleteJsonView(AutocompleteJsonView):
    """Colleagues are offered by their names ("Jonas Weber"), as everywhere else, not by
    their logins."""

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        if isinstance(obj, User):
            result["text"] = person_name(obj)
        return result


def person_name(user):
    return user.get_full_name() or user.get_username()


admin.site.unregister(User)
admin.site.register(User, NewsroomUserAdmin)
# Read when the admin's URLs are first built, after every app's admin module is loaded.
admin.site.autocomplete_view = lambda request: NamedAutocompleteJsonView.as_view(
    admin_site=admin.site)(request)
