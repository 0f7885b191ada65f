"""The routes of /api/v1/: thin, as the public views are. What is public comes from the
models' querysets (`published()`, `public()`), filtering from the public list's
ArticleFilter, paging from `pagination`; this module only wires them to URLs.
"""

from datetime import date

from django.http import Http404, JsonResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import ValidationError
from ninja.renderers import JSONRenderer

from articles.models import Article, City, Organisation, Person, Topic
from articles.models.relations import load_relations
from articles.public.filters import QUERY_MAX_LENGTH, ArticleFilter

from . import errors, schemas
from .pagination import BY_SLUG, DEFAULT_LIMIT, MAX_LIMIT, NEWEST_FIRST

ERRORS = {400: schemas.Problem, 429: schemas.Problem}
DETAIL_ERRORS = {**ERRORS, 404: schemas.Problem}


class EscapingJSONRenderer(JSONRenderer):
    """Answers in UTF-8 (umlauts as they are, so the leak test reads them too), with
    markup characters escaped (errors.escape_json)."""

    json_dumps_params = {"ensure_ascii": False}

    def render(self, request, data, *, response_status):
        return errors.escape_json(super().render(request, data, response_status=response_status))


class ProblemJsonAPI(NinjaAPI):
    """Says in the schema what the API sends: errors as application/problem+json."""

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        content[errors.CONTENT_TYPE] = content.pop("application/json")
        return schema


api = ProblemJsonAPI(
    title="Newsroom Content-API",
    version="1",
    description=_("Lesezugriff auf die veröffentlichten Meldungen des Portals, ihre Themen, "
                  "Kommunen, Personen und Organisationen."),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs/",
    renderer=EscapingJSONRenderer(),
)
api.add_exception_handler(errors.ApiError, errors.from_api_error)
api.add_exception_handler(ValidationError, errors.from_validation_error)
api.add_exception_handler(Http404, errors.from_http404)


class PageParams(Schema):
    cursor: str | None = Field(None, description="`next_cursor` der vorigen Seite.")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


class ArticleParams(PageParams):
    q: str | None = Field(None, max_length=QUERY_MAX_LENGTH, description="Volltextsuche.")
    city: str | None = Field(None, description="Slug eines Orts (`/places/`); ein Kreis oder "
                             "Land schließt jeden Ort darin ein.")
    land: str | None = Field(None, description="Bundesland der Kommunen, als Kürzel: RP, BW …")
    topic: str | None = Field(None, description="Slug eines Themas.")
    person: str | None = Field(None, description="Slug einer Person.")
    organisation: str | None = Field(None, description="Slug einer Organisation.")
    date_from: date | None = Field(None, description="Veröffentlicht ab diesem Tag.")
    date_to: date | None = Field(None, description="Veröffentlicht bis zu diesem Tag.")


def only(request, params_schema):
    """Refuse parameters the route does not know: a mistyped filter must not quietly
    list everything."""
    known = set(params_schema.model_fields) if params_schema else set()
    for name in request.GET:
        if name not in known:
            raise errors.bad_parameter(
                name, _("Den Parameter „%(name)s“ gibt es hier nicht.") % {"name": name})


def page(request, items, cursor):
    """A page of `items`: with the next page's URL (the same parameters, the new cursor)
    so that a client can follow it without building URLs."""
    following = None
    if cursor:
        query = {k: v for k, v in request.GET.items() if k != "cursor"}
        following = request.build_absolute_uri(
            f"{request.path}?{urlencode({**query, 'cursor': cursor})}")
    return {"items": items, "next": following, "next_cursor": cursor}


@api.get("/articles/", response={200: schemas.ArticlePage, **ERRORS}, url_name="article_list",
         summary="Artikel, neueste zuerst", tags=["Artikel"])
def article_list(request, params: Query[ArticleParams]):
    only(request, ArticleParams)
    filterset = ArticleFilter(request.GET, queryset=Article.objects.published().for_lists())
    if not filterset.is_valid():
        raise errors.bad_parameter(next(iter(filterset.errors)))
    rows, cursor = NEWEST_FIRST.page(filterset.qs, params.cursor, params.limit)
    load_relations(rows)
    return page(request, [schemas.from_article(request, a) for a in rows], cursor)


@api.get("/articles/{slug}/", response={200: schemas.Article, **DETAIL_ERRORS},
         url_name="article_detail", summary="Ein Artikel mit Text", tags=["Artikel"])
def article_detail(request, slug: str):
    only(request, None)
    article = Article.objects.published().for_detail().filter(slug=slug).first()
    if article is None:
        raise Http404
    load_relations([article])
    return schemas.from_article(request, article, full=True)


def subject_routes(model, path, tag, list_schema, item_schema, build):
    """A subject's list (those a public article is about, by slug) and its detail."""
    name = model._meta.model_name

    @api.get(f"/{path}/", response={200: list_schema, **ERRORS}, url_name=f"{name}_list",
             summary=f"{tag}, nach Slug", tags=[tag], operation_id=f"{name}_list")
    def subject_list(request, params: Query[PageParams]):
        only(request, PageParams)
        rows, cursor = BY_SLUG.page(model.objects.public(), params.cursor, params.limit)
        return page(request, [build(request, row) for row in rows], cursor)

    @api.get(f"/{path}/{{slug}}/", response={200: item_schema, **DETAIL_ERRORS},
             url_name=f"{name}_detail", summary=f"{tag}: ein Eintrag", tags=[tag],
             operation_id=f"{name}_detail")
    def subject_detail(request, slug: str):
        only(request, None)
        found = model.objects.public().filter(slug=slug).first()
        if found is None:
            raise Http404
        return build(request, found)


subject_routes(Topic, "topics", "Themen", schemas.TopicPage, schemas.Subject,
               schemas.from_subject)
subject_routes(City, "places", "Kommunen", schemas.PlacePage, schemas.Place,
               schemas.from_place)
subject_routes(Person, "people", "Personen", schemas.PersonPage, schemas.Person,
               schemas.from_person)
subject_routes(Organisation, "organisations", "Organisationen", schemas.OrganisationPage,
               schemas.Organisation, schemas.from_organisation)


def index(request):
    """/api/v1/ itself: where each resource and the documentation are, for someone who
    starts at the top."""
    names = {"articles": "article_list", "topics": "topic_list", "places": "city_list",
             "people": "person_list", "organisations": "organisation_list",
             "openapi": "openapi-json", "docs": "openapi-view"}
    return JsonResponse({key: request.build_absolute_uri(reverse(f"api:{name}"))
                         for key, name in names.items()})
