from django import template

from articles.admin.overview import editorial_overview as overview_for

register = template.Library()


@register.simple_tag
def editorial_overview(user):
    return overview_for(user)
