"""Template side of articles.public.seo and articles.public.feeds: canonical and absolute URLs, feed
autodiscovery and structured data in the <head>."""

from django import template

from articles.public import feeds, seo

register = template.Library()


@register.simple_tag(takes_context=True)
def canonical_url(context, page=None):
    """This page's canonical URL; with `page`, that of another page of the same list."""
    page_obj = context.get("page_obj")
    if page is None:
        page = page_obj.number if page_obj else 1
    return seo.canonical_url(context["request"], page=page, filterset=context.get("filter"))


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    return context["request"].build_absolute_uri(path)


@register.filter
def filter_summary(filterset):
    return seo.filter_summary(filterset)


@register.inclusion_tag("includes/meta_feeds.html")
def feed_links(subject=None):
    return {"feeds": feeds.feed_links(subject)}


@register.simple_tag(takes_context=True)
def news_article_json_ld(context, article):
    return seo.json_ld(seo.news_article(context["request"], article))
