"""What search engines and social networks read about a page besides its visible text:
the canonical address, a summary of the list filters, and schema.org structured data.
"""

import json
from datetime import date
from urllib.parse import urlencode

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

# What json_script escapes, so that nothing in the data can end the <script> element.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def active_filters(filterset):
    """The list's valid, non-empty filters as (name, value), in the form's order.

    Invalid values are left out: they filter nothing worth indexing or naming.
    """
    if filterset is None or not filterset.is_bound:
        return []
    form = filterset.form
    form.is_valid()  # cleans once; the list view has usually done so already
    return [
        (name, form.cleaned_data[name])
        for name in form.fields
        if form.cleaned_data.get(name) not in (None, "")
    ]


def _query_value(value):
    if isinstance(value, models.Model):
        return value.slug
    if isinstance(value, date):
        return value.isoformat()
    return value


def canonical_url(request, *, page=1, filterset=None):
    """The absolute address of this page (or of `page` of the same list).

    Only what selects the content stays: valid filters in a fixed order and a page
    number above 1. Tracking parameters and other junk are dropped, so every variant of
    a URL names one canonical page.
    """
    params = [(name, _query_value(value)) for name, value in active_filters(filterset)]
    if page > 1:
        params.append(("page", page))
    query = urlencode(params)
    return request.build_absolute_uri(f"{request.path}?{query}" if query else request.path)


def filter_summary(filterset):
    """The active filters in words, for the title and description of a filtered list."""
    labels = []
    for name, value in active_filters(filterset):
        if name == "q":
            labels.append(f"„{value}“")
        elif name == "date_from":
            labels.append(_("ab %(date)s") % {"date": date_format(value, "SHORT_DATE_FORMAT")})
        elif name == "date_to":
            labels.append(_("bis %(date)s") % {"date": date_format(value, "SHORT_DATE_FORMAT")})
        else:
            labels.append(str(value))
    return ", ".join(labels)


def author_names(article):
    return [author.get_full_name() or author.get_username() for author in article.authors.all()]


def tag_names(article):
    """The names of an article's topics and cities, for feed categories and keywords."""
    return [tag.name for tag in [*article.topics.all(), *article.cities.all()]]


def json_ld(data):
    """A <script type="application/ld+json"> element whose content cannot break out."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(JSON_SCRIPT_ESCAPES)),
    )


def _subject(schema_type, subject, request):
    return {
        "@type": schema_type,
        "name": subject.name,
        "url": request.build_absolute_uri(subject.get_absolute_url()),
    }


def news_article(request, article):
    """schema.org NewsArticle data for `article`; its relations must be loaded
    (`load_relations`), so this runs no query."""
    url = request.build_absolute_uri(article.get_absolute_url())
    publisher = {
        "@type": "Organization",
        "name": settings.NEWSROOM_SITE_NAME,
        "url": request.build_absolute_uri(reverse("articles:home")),
        "logo": {"@type": "ImageObject", "url": request.build_absolute_uri(static("img/logo.svg"))},
    }
    authors = [{"@type": "Person", "name": name} for name in author_names(article)]
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline,
        "description": article.teaser,
        "inLanguage": settings.LANGUAGE_CODE,
        "datePublished": timezone.localtime(article.published_at).isoformat(),
        "dateModified": timezone.localtime(article.public_modified_at).isoformat(),
        # Without a byline the newsroom itself is the author.
        "author": authors or [publisher],
        "publisher": publisher,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "keywords": tag_names(article),
    }
    mentions = [
        *(_subject("Person", person, request) for person in article.people.all()),
        *(_subject("Organization", org, request) for org in article.organisations.all()),
    ]
    if mentions:
        data["mentions"] = mentions
    if article.corrections:
        data["correction"] = [
            {"@type": "CorrectionComment", "text": note.text,
             "datePublished": timezone.localtime(note.at).isoformat()}
            for note in article.correction_notes
        ]
    if article.public_lead_image:
        data["image"] = [request.build_absolute_uri(article.public_lead_image.file.url)]
    return data
