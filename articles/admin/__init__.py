"""The newsroom's admin: where journalists write and editors publish. One module per
concern; importing this package registers them all."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from . import articles, images, newsletter, people, site, tags, teasers, users  # noqa: F401

admin.site.site_header = _("Newsroom – Redaktion")
admin.site.site_title = _("Newsroom")
admin.site.index_title = _("Redaktionssystem")

# Topics and cities have their own tag models; taggit's generic tags are unused here.
admin.site.unregister(Tag)
