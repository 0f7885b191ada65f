"""The embeddable news box: a municipality's website shows our newest teasers about its
city or a topic in an <iframe>.

A small page of its own: no JavaScript, no cookies, its styles inline, links opening
in the top window (target="_top"), so the visitor leaves the host's frame for our
article. Other sites may frame these routes only (NEWSROOM_EMBEDDABLE_PATHS in
newsroom.security). Anonymous GETs, so the page cache keeps them like any page.
"""

from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.html import escape
from django.utils.translation import gettext as _

from articles.models import Article, City, Topic

DEFAULT_COUNT = 5
MAX_COUNT = 20
STYLES = ("hell", "dunkel")


def options(request):
    """(count, style) from ?anzahl= and ?stil=, or an error message naming the bad one."""
    raw_count = request.GET.get("anzahl", str(DEFAULT_COUNT))
    style = request.GET.get("stil", STYLES[0])
    if not raw_count.isascii() or not raw_count.isdigit() or not (
        1 <= int(raw_count) <= MAX_COUNT
    ):
        return None, None, _("„anzahl“ muss eine Zahl von 1 bis %(max)d sein.") % {
            "max": MAX_COUNT}
    if style not in STYLES:
        return None, None, _("„stil“ muss „hell“ oder „dunkel“ sein.")
    return int(raw_count), style, None


def news_box(request, model, kind, slug):
    count, style, error = options(request)
    if error:
        return HttpResponseBadRequest(escape(error), content_type="text/plain; charset=utf-8")
    subject = model.objects.public().filter(slug=slug).first()
    if subject is None:
        raise Http404(_("Diese Seite gibt es nicht."))
    articles = Article.objects.published().tagged(**{kind: subject}).for_lists()[:count]
    return render(request, "articles/embed/box.html",
                  {"subject": subject, "articles": articles, "style": style})


def city_box(request, slug):
    return news_box(request, City, "city", slug)


def topic_box(request, slug):
    return news_box(request, Topic, "topic", slug)
