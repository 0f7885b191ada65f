"""Public pages. Query logic lives in the model querysets; views only pick and render."""

from functools import partial

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.db.models import Exists, F, OuterRef, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import ListView

from articles import search, surrogate_keys
from articles.cache import remember
from articles.editorial import livecopy, previews, revisions
from articles.models import (
    Affiliation,
    Article,
    ArticleRedirect,
    City,
    ImportedItem,
    Organisation,
    Person,
    Status,
    SubjectRedirect,
    Topic,
)
from articles.models.relations import load_relations
from articles.models.teasers import Placement, placement_teasers
from articles.public import archive, credits, legal
from articles.public.feedback import FeedbackForm
from articles.public.filters import ArticleFilter
from articles.public.pagination import ListPaginationMixin

LIST_PAGE_SIZE = 20
HOME_LEAD_COUNT = 1
HOME_MORE_COUNT = 15


def home(request):
    post_id = request.GET.get("p", "").strip()
    if post_id.isascii() and post_id.isdigit():  # an old WordPress address, /?p=123
        return old_permalink(request, post_id=post_id)
    lead = placement_teasers(Placement.LEAD, HOME_LEAD_COUNT)
    more = placement_teasers(
        Placement.MORE, HOME_MORE_COUNT, exclude=[t.article_id for t in lead]
    )
    return render(request, "articles/home.html", {"lead_teasers": lead, "more_teasers": more})


def render_article(request, article, *, preview=False, status=200):
    """The article page; previews render the very same template, marked noindex."""
    load_relations([article])
    # The ranking is kept until the newest articles change (not for previews, whose
    # article and relations are not public).
    ranked = partial(Article.objects.related_ids, article)
    ids = ranked() if preview else remember(
        f"related:{article.pk}:{article.version}", ranked, lists=[surrogate_keys.LISTING])
    related = Article.objects.related(ids)
    return render(
        request,
        "articles/article_detail.html",
        {"article": article, "related": related, "preview": preview},
        status=status,
    )


def article_detail(request, slug):
    # An article page shows no list: only its own rows (articles.surrogate_keys).
    surrogate_keys.lists_shown()
    article = Article.objects.published().for_detail().filter(slug=slug).first()
    if article is not None:
        return render_article(request, article)
    # An old URL of an article: follow it to where the article is now.
    moved = ArticleRedirect.objects.filter(old_slug=slug).select_related("article").first()
    return _follow(request, moved.article if moved else Article.objects.filter(slug=slug).first())


def _follow(request, target):
    """Where an old address of `target` leads: 301 to the article while it is public,
    410 once it was withdrawn, and for anything never public the same 404 as for an
    address that never existed, so that an old URL reveals nothing."""
    if target is None or target.status not in (Status.PUBLISHED, Status.ARCHIVED) and not (
        target.was_public
    ):
        raise Http404(_("Diesen Artikel gibt es nicht."))
    if target.status in (Status.ARCHIVED, Status.TRASHED):
        return render(request, "articles/article_gone.html", {"article": target}, status=410)
    if not target.is_public:  # scheduled
        raise Http404(_("Diesen Artikel gibt es nicht."))
    return redirect(target, permanent=True)


def old_permalink(request, slug=None, year=None, month=None, day=None, post_id=None):
    """The old addresses of posts imported from WordPress (articles.importers.wordpress):
    /?p=123, /2021/05/03/slug/, /2021/05/slug/ and /slug/."""
    items = ImportedItem.objects.filter(source=ImportedItem.Source.WORDPRESS, article__isnull=False)
    if post_id is not None:
        items = items.filter(key=post_id)
    else:
        items = items.filter(old_slug=slug)
        if year is not None:
            items = items.filter(old_date__year=year, old_date__month=month)
        if day is not None:
            items = items.filter(old_date__day=day)
    item = items.select_related("article").order_by("pk").first()
    return _follow(request, item.article if item else None)


def _preview_response(response):
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@staff_member_required
def article_preview(request, pk):
    """Any article, as visitors will see it; for logged-in staff only."""
    article = get_object_or_404(Article.objects.for_detail(), pk=pk)
    working_copy = livecopy.working_copy_of(article)
    if working_copy is not None:
        # The pending changes' text and picture; the tags shown are the live ones.
        revisions.apply(article, working_copy.data)
    return _preview_response(render_article(request, article, preview=True))


@never_cache
def article_preview_share(request, token):
    """One unpublished article for someone without a login, through a signed link."""
    article = previews.article_for_token(token, Article.objects.for_detail())
    if article is None:
        return _preview_response(
            render(request, "articles/preview_invalid.html", status=404)
        )
    return _preview_response(render_article(request, article, preview=True))


class ArticleListView(ListPaginationMixin, ListView):
    template_name = "articles/article_list.html"
    paginate_by = LIST_PAGE_SIZE
    context_object_name = "articles"

    def get_queryset(self):
        self.filterset = ArticleFilter(
            self.request.GET or None, queryset=Article.objects.published().for_lists()
        )
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(filter=self.filterset, **kwargs)
        if self.filterset.search_text:
            context["articles"] = search.add_snippets(
                list(context["articles"]), self.filterset.search_text
            )
            context["search_capped"] = context["paginator"].count >= search.SEARCH_WINDOW
        return context


class SubjectView(ListPaginationMixin, ListView):
    """A topic, city, person or organisation page: the subject and its articles."""

    template_name = "articles/subject.html"
    paginate_by = LIST_PAGE_SIZE
    context_object_name = "articles"
    subject_model = None
    subject_kind = None  # the keyword for ArticleQuerySet.tagged()

    def subjects(self):
        """The subjects that have a page: those a public article is about."""
        return self.subject_model.objects.public()

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            # A renamed or merged subject's old address (articles.vocabulary.merge).
            moved = SubjectRedirect.objects.moved(self.subjects(), kwargs["slug"])
            if moved is None:
                raise
            return redirect(moved, permanent=True)

    def get_queryset(self):
        self.subject = get_object_or_404(self.subjects(), slug=self.kwargs["slug"])
        surrogate_keys.lists_shown(*surrogate_keys.subject_lists(self.subject))
        return Article.objects.published().tagged(**{self.subject_kind: self.subject}).for_lists()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            subject=self.subject,
            subject_kind=self.subject_kind,
            subject_template=f"articles/subjects/{self.subject_kind}.html",
            **kwargs,
        )


class TopicView(SubjectView):
    subject_model = Topic
    subject_kind = "topic"


class CityView(SubjectView):
    subject_model = City
    subject_kind = "city"

    def subjects(self):
        # The Kreis and Land it lies in, linked only while they have pages.
        public = City.objects.public()
        return super().subjects().select_related("parent__parent").annotate(
            grandparent_id=F("parent__parent"),
            parent_public=Exists(public.filter(pk=OuterRef("parent"))),
            grandparent_public=Exists(public.filter(pk=OuterRef("parent__parent"))),
        )


class PersonView(SubjectView):
    subject_model = Person
    subject_kind = "person"

    def subjects(self):
        # Roles name organisations: only those visitors may know of.
        roles = Affiliation.objects.filter(organisation__in=Organisation.objects.public())
        return super().subjects().select_related("portrait__credit").prefetch_related(
            Prefetch("affiliations", queryset=roles.select_related("organisation"))
        )


class OrganisationView(SubjectView):
    subject_model = Organisation
    subject_kind = "organisation"

    def subjects(self):
        # Its people: only those visitors may know of.
        people = Affiliation.objects.current().filter(person__in=Person.objects.public())
        # Its city and parent are named only while visitors may know of them.
        return super().subjects().select_related("city", "parent").annotate(
            city_public=Exists(City.objects.public().filter(pk=OuterRef("city"))),
            parent_public=Exists(Organisation.objects.public().filter(pk=OuterRef("parent"))),
        ).prefetch_related(Prefetch("affiliations", queryset=people.select_related("person")))


def archive_index(request, year=None):
    """Every year and month with its number of articles; a year's page shows that year."""
    articles = Article.objects.published()
    if year is not None:
        articles = archive.in_span(articles, year)
    years = archive.by_year(archive.month_counts(articles))
    if year is not None and not years:
        raise Http404(_("Aus diesem Jahr gibt es keine Meldungen."))
    return render(request, "articles/archive.html", {"years": years, "year": year})


class ArchiveMonthView(ListPaginationMixin, ListView):
    """One month's articles, newest first, with links to the months before and after."""

    template_name = "articles/archive_month.html"
    paginate_by = LIST_PAGE_SIZE
    context_object_name = "articles"
    allow_empty = False  # a month without articles has no page

    def get_queryset(self):
        year, month = self.kwargs["year"], self.kwargs["month"]
        return archive.in_span(Article.objects.published(), year, month).for_lists()

    def get_context_data(self, **kwargs):
        year, month = self.kwargs["year"], self.kwargs["month"]
        older, newer = archive.neighbours(
            archive.month_counts(Article.objects.published()), year, month
        )
        return super().get_context_data(
            month=archive.Month(year, month), older=older, newer=newer, **kwargs
        )


def accessibility(request):
    """The accessibility statement BITV 2.0 asks for, with its form to report barriers."""
    form = FeedbackForm(request.POST if request.method == "POST" else None)
    if form.is_valid() and form.send():
        messages.success(
            request,
            _("Vielen Dank für Ihre Nachricht! Die Redaktion hat sie erhalten."),
        )
        # Back to the form's section: a reload cannot send the message twice.
        return redirect(reverse("articles:accessibility") + "#rueckmeldung")
    return render(
        request,
        "pages/accessibility.html",
        {"form": form, "editors_email": settings.NEWSROOM_EDITORS_EMAIL},
    )


def image_credits(request):
    """Bildnachweise: who made each picture the site shows, and where it shows."""
    return render(request, "articles/credits.html", {"groups": credits.credit_groups()})


def legal_page(request, kind):
    """Impressum, Datenschutz or Kontakt, as editors wrote them in the admin."""
    surrogate_keys.lists_shown()
    surrogate_keys.shows(surrogate_keys.legal_page_key(kind))
    return render(request, "pages/legal.html", {"page": legal.page_for(kind)})
