"""The <picture> of an image: its stored renditions, computed without a query."""

from django import template

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


@register.inclusion_tag("includes/picture.html")
def picture(image, layout="column", eager=False):
    """WebP with a JPEG fallback in every stored size; lazy unless `eager` (above the
    fold). `layout` is one of LAYOUTS."""
    crop, sizes = LAYOUTS[layout]
    return {
        "image": image,
        "picture": images.picture(image, crop=crop),
        "sizes": sizes,
        "eager": eager,
    }
