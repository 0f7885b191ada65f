"""The public site's templates: Jinja2, with the few functions and filters they call.

The public pages are rendered by Django's Jinja2 backend, the admin by Django's own
templates. Rendering was the public pages' largest cost when they are not cached; in
Jinja2 the article template alone renders in about 60 % of the time (README, Performance),
and it reads like Django templates to a designer: `{{ }}`, `{% if %}`, `{% for %}`, blocks
and includes. What differs is written at the top of templates/jinja2/base.html.

Strings are marked for translation with `_()` and `{% trans %}` (Jinja2's i18n extension,
which Babel's Jinja2 extractor reads), translated by Django's active language.
"""

import functools

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import defaultfilters, defaulttags
from django.templatetags.static import static
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from jinja2 import Environment, pass_context

from articles import images
from articles.models import Image, Teaser

from . import feeds, navigation, seo

# How each kind of picture shows, after static/css/site.css: whether it is a 16:9 crop,
# and the `sizes` that tell the browser how wide it is before any CSS has loaded.
LAYOUTS = {
    "column": (False, "(max-width: 44rem) 100vw, 44rem"),  # an article's lead image
    "lead": (True, "(max-width: 40rem) 100vw, 43rem"),  # the home page's Aufmacher
    "thumbnail": (True, "(max-width: 40rem) 7.5rem, 11rem"),  # a teaser in a list
    "portrait": (False, "14rem"),  # a person's page
    "credits": (True, "(max-width: 40rem) 12rem, 8rem"),  # the list of picture credits
}


def environment(**options):
    env = Environment(extensions=["jinja2.ext.i18n"], **options)
    env.install_gettext_translations(translation, newstyle=True)
    env.globals.update(
        static=static,
        url=url,
        now=timezone.localtime,
        querystring=querystring,
        picture=picture,
        canonical_url=canonical_url,
        absolute_url=absolute_url,
        feed_links=feeds.feed_links,
        main_navigation=navigation.main_navigation,
        news_article_json_ld=news_article_json_ld,
        get_current_language=translation.get_language,
    )
    env.filters.update(
        date=date,
        truncatechars=defaultfilters.truncatechars,
        capfirst=defaultfilters.capfirst,
        linebreaksbr=defaultfilters.linebreaksbr,
        as_teasers=as_teasers,
        model_name=model_name,
        roles_by_period=roles_by_period,
        filter_summary=seo.filter_summary,
    )
    return env


def url(name, *args, **kwargs):
    return reverse(name, args=args or None, kwargs=kwargs or None)


def date(value, format=None):
    """Django's `date` filter, in the current time zone as Django's templates show it.

    Numeric formats such as German dates ("d.m.Y", "d.m.Y H:i") and ISO 8601 ("c") go
    through strftime, a twentieth of the cost of Django's formatter; every teaser shows
    two dates."""
    if value in (None, ""):
        return ""
    value = timezone.template_localtime(value)
    if format == "c":
        return value.isoformat()
    pattern = _strftime_pattern(formats.get_format(format or "DATE_FORMAT"))
    return value.strftime(pattern) if pattern else defaultfilters.date(value, format)


STRFTIME = {"d": "%d", "m": "%m", "Y": "%Y", "y": "%y", "H": "%H", "i": "%M", "s": "%S"}


@functools.lru_cache(maxsize=32)
def _strftime_pattern(format):
    """The strftime pattern of a Django date format of numbers only; None for others
    (month names, escapes), which Django's formatter handles."""
    if "%" in format or "\\" in format:
        return None
    if any(char.isalpha() and char not in STRFTIME for char in format):
        return None
    return "".join(STRFTIME.get(char, char) for char in format)


@pass_context
def querystring(context, **changes):
    """The current query string with `changes` (None removes a parameter), as Django's
    {% querystring %}: "?page=2&topic=smart-city"."""
    return defaulttags.querystring(None, context["request"].GET, **changes)


def as_teasers(articles):
    """Wrap articles as unsaved teasers, as the home page does when nothing is curated,
    so includes/teaser.html reads one set of attribute names everywhere."""
    return [Teaser(article=article) for article in articles]


def model_name(obj):
    """The list filter's parameter that selects `obj`: "person" or "organisation"."""
    return obj._meta.model_name


def roles_by_period(affiliations):
    """Split a person's affiliations into current, future and past roles, in their order."""
    roles = {"current": [], "future": [], "past": []}
    for affiliation in affiliations:
        if affiliation.is_current():
            roles["current"].append(affiliation)
        elif affiliation.is_future():
            roles["future"].append(affiliation)
        else:
            roles["past"].append(affiliation)
    return roles


@pass_context
def picture(context, image, layout="column", eager=False):
    """WebP with a JPEG fallback in every stored size, as one <img> with its size set (so
    nothing moves when it loads) and a <source> for each better format; lazy unless
    `eager` (above the fold). `layout` is one of LAYOUTS.

    Written in Python: it is the innermost part of every teaser. A public page's
    <picture> follows from the picture's row and the storage alone (public files have
    plain, unsigned URLs): each worker keeps the last thousands it wrote, as a function of
    exactly those, so a changed picture (a new file, focal point or alt text) is a new
    entry and none is ever stale, in whichever worker. Another storage empties them.
    """
    if _staff_preview(context):
        return _picture_html(image, image.alt, layout, eager, staff=True)
    return _public_picture_html(image.file.name, image.width, image.height,
                                image.focal_x, image.focal_y, image.alt, layout, eager)


@functools.lru_cache(maxsize=4096)
def _public_picture_html(name, width, height, focal_x, focal_y, alt, layout, eager):
    image = Image(file=name, width=width, height=height, focal_x=focal_x, focal_y=focal_y)
    return _picture_html(image, alt, layout, eager, staff=False)


@receiver(setting_changed)
def _forget_pictures(setting, **kwargs):
    if setting in ("STORAGES", "MEDIA_URL"):
        _public_picture_html.cache_clear()


def _picture_html(image, alt, layout, eager, *, staff):
    crop, sizes = LAYOUTS[layout]
    found = images.picture(image, crop=crop, staff=staff)
    if found is None:
        return ""
    sources = "".join(
        f'<source type="{mime_type}" srcset="{escape(srcset)}" sizes="{sizes}">'
        for mime_type, srcset in found.sources
    )
    img = format_html(
        '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}"{}>',
        found.src, found.fallback_srcset, sizes, found.width, found.height, alt,
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


@pass_context
def canonical_url(context, page=None):
    """This page's canonical URL; with `page`, that of another page of the same list."""
    page_obj = context.get("page_obj")
    if page is None:
        page = page_obj.number if page_obj else 1
    return seo.canonical_url(context["request"], page=page, filterset=context.get("filter"))


@pass_context
def absolute_url(context, path):
    return context["request"].build_absolute_uri(path)


@pass_context
def news_article_json_ld(context, article):
    return seo.json_ld(seo.news_article(context["request"], article))
