"""Public pages. Query logic lives in the model querysets; views only pick and render."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.views.generic import ListView

from articles.filters import ArticleFilter
from articles.models import Affiliation, Article, City, Organisation, Person, Topic
from articles.models.teasers import Placement, placement_teasers

LIST_PAGE_SIZE = 20
HOME_LEAD_COUNT = 1
HOME_MORE_COUNT = 15


def home(request):
    lead = placement_teasers(Placement.LEAD, HOME_LEAD_COUNT)
    more = placement_teasers(
        Placement.MORE, HOME_MORE_COUNT, exclude=[t.article_id for t in lead]
    )
    return render(request, "articles/home.html", {"lead_teasers": lead, "more_teasers": more})


def article_detail(request, slug):
    article = get_object_or_404(Article.objects.published().for_detail(), slug=slug)
    related = Article.objects.related_to(article)
    return render(
        request, "articles/article_detail.html", {"article": article, "related": related}
    )


class ArticleListView(ListView):
    template_name = "articles/article_list.html"
    paginate_by = LIST_PAGE_SIZE
    context_object_name = "articles"

    def get_queryset(self):
        self.filterset = ArticleFilter(
            self.request.GET or None, queryset=Article.objects.published().for_lists()
        )
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(filter=self.filterset, query_without_page=query.urlencode())
        return context


class SubjectView(ListView):
    """A topic, city, person or organisation page: the subject and its articles."""

    template_name = "articles/subject.html"
    paginate_by = LIST_PAGE_SIZE
    context_object_name = "articles"
    subject_queryset = None
    subject_kind = None  # the keyword for ArticleQuerySet.tagged()

    def get_queryset(self):
        self.subject = get_object_or_404(self.subject_queryset, slug=self.kwargs["slug"])
        return Article.objects.published().tagged(**{self.subject_kind: self.subject}).for_lists()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            subject=self.subject,
            subject_kind=self.subject_kind,
            subject_template=f"articles/subjects/{self.subject_kind}.html",
            **kwargs,
        )


class TopicView(SubjectView):
    subject_queryset = Topic.objects.all()
    subject_kind = "topic"


class CityView(SubjectView):
    subject_queryset = City.objects.all()
    subject_kind = "city"


class PersonView(SubjectView):
    subject_queryset = Person.objects.select_related("portrait__credit").prefetch_related(
        Prefetch("affiliations", queryset=Affiliation.objects.select_related("organisation"))
    )
    subject_kind = "person"


class OrganisationView(SubjectView):
    subject_queryset = Organisation.objects.select_related("city", "parent").prefetch_related(
        Prefetch("affiliations", queryset=Affiliation.objects.current().select_related("person"))
    )
    subject_kind = "organisation"
