"""The page for a refused action (403): German, and in the admin's layout inside the admin."""

from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _


def permission_denied(request, exception=None):
    message = str(exception) if exception and str(exception) else _(
        "Diese Aktion ist Ihrer Rolle nicht erlaubt. Wenden Sie sich an die Chefredaktion, "
        "wenn Sie sie brauchen."
    )
    if request.path.startswith("/admin/") and request.user.is_authenticated:
        referer = request.META.get("HTTP_REFERER", "")
        back = referer if url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}) and referer != request.build_absolute_uri(
        ) else None
        context = {**admin.site.each_context(request), "title": _("Keine Berechtigung"),
                   "message": message, "back": back}
        return TemplateResponse(request, "admin/403.html", context, status=403)
    return TemplateResponse(request, "403.html", {"message": message}, status=403)
