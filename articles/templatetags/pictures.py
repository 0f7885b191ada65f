"""The <picture> of an image: its stored renditions, computed without a query."""

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from articles import images

register = template.Library()

# How each kind of picture shows, after static/css/site.css: whether it is a 16:9 crop,
# and the `sizes` that tell the browser how wide it is before any CSS has loaded.
LAYOUTS = {
    "column": (False, "(max-width: 44rem) 100vw, 44rem"),  # an article's lead image
    "lead": (True, "(max-width: 40rem) 100vw, 43rem"),  # the home page's Aufmacher
    "thumbnail": (True, "(max-width: 40rem) 7.5rem, 11rem"),  # a teaser in a list
    "portrait": (False, "14rem"),  # a person's page
    "credits": (True, "(max-width: 40rem) 12rem, 8rem"),  # the list of picture credits
}


@register.simple_tag(takes_context=True)
def picture(context, image, layout="column", eager=False):
    """WebP with a JPEG fallback in every stored size, as one <img> with its size set (so
    nothing moves when it loads) and a <source> for each better format; lazy unless
    `eager` (above the fold). `layout` is one of LAYOUTS.

    Written here rather than in a template: it is the innermost part of every teaser,
    and an included template cost more than the rest of the teaser.
    """
    crop, sizes = LAYOUTS[layout]
    found = images.picture(image, crop=crop, staff=_staff_preview(context))
    if found is None:
        return ""
    sources = "".join(
        f'<source type="{mime_type}" srcset="{escape(srcset)}" sizes="{sizes}">'
        for mime_type, srcset in found.sources
    )
    img = format_html(
        '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}"{}>',
        found.src, found.fallback_srcset, sizes, found.width, found.height, image.alt,
        "" if eager else mark_safe(' loading="lazy"'),
    )
    return mark_safe(f"<picture>{sources}{img}</picture>")  # noqa: S308 (all escaped)


def _staff_preview(context):
    """Whether the pictures link to the staff view: in a preview for staff, when uploads
    live in object storage, which holds renditions of public pictures only. Never on a
    public page (no `preview`), so these stay as they were, without a query."""
    if not context.get("preview"):
        return False
    user = getattr(context.get("request"), "user", None)
    return bool(user and user.is_staff and images.renditions_follow_publicity())
