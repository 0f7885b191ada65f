"""An article's topics, cities, people, organisations, authors and manual relations in one
query.

Five prefetches would cost five queries per page; a UNION of the five link tables costs
one. The rows fill the same caches prefetch_related fills, so `article.topics.all` and
friends work as usual in templates, feeds and JSON-LD, without touching the database.
"""

from django.contrib.auth import get_user_model
from django.db.models import CharField, F, Value

from .people import Organisation, Person
from .tags import City, TaggedCity, TaggedTopic, Topic

TEXT = CharField()


def _links():
    """relation → (link model, its article column, its target field, target model, and
    the target's three text fields that pages need; None where fewer)."""
    from .article import Article

    user_model = get_user_model()
    return {
        "topics": (TaggedTopic, "content_object_id", "tag", Topic, ("name", "slug", None)),
        "cities": (TaggedCity, "content_object_id", "tag", City, ("name", "slug", "state")),
        "people": (Article.people.through, "article_id", "person", Person,
                   ("name", "slug", None)),
        "organisations": (Article.organisations.through, "article_id", "organisation",
                          Organisation, ("name", "slug", "kind")),
        "authors": (Article.authors.through, "article_id", "user", user_model,
                    ("first_name", "last_name", user_model.USERNAME_FIELD)),
        # Manual relations, public or not: "Weitere Meldungen" needs their ids.
        "related": (Article.related.through, "from_article_id", "to_article", Article,
                    ("headline", "slug", None)),
    }


def _text(target, field):
    return F(f"{target}__{field}") if field else Value("", output_field=TEXT)


def load_relations(articles):
    """Fill each article's relation caches with one query; returns the articles."""
    articles = [a for a in articles if a is not None]
    if not articles:
        return articles
    ids = [a.pk for a in articles]
    links = _links()
    parts = [
        link.objects.filter(**{f"{article_column}__in": ids})
        .annotate(
            relation=Value(name, output_field=TEXT), first=_text(target, fields[0]),
            second=_text(target, fields[1]), third=_text(target, fields[2]),
        )
        .values_list("relation", article_column, f"{target}_id", "first", "second", "third")
        for name, (link, article_column, target, _model, fields) in links.items()
    ]
    rows = parts[0].union(*parts[1:], all=True).order_by("relation", "first", "second")
    found = {(a.pk, name): [] for a in articles for name in links}
    for name, article_id, target_id, first, second, third in rows:
        _link, _column, _target, model, fields = links[name]
        values = dict(zip(fields, (first, second, third), strict=True))
        values.pop(None, None)
        obj = model(pk=target_id, **values)
        obj._state.adding = False
        obj._state.db = articles[0]._state.db
        found[article_id, name].append(obj)
    for article in articles:
        cache = article.__dict__.setdefault("_prefetched_objects_cache", {})
        for name, (_link, _column, _target, model, _fields) in links.items():
            queryset = model._default_manager.all()
            queryset._result_cache = found[article.pk, name]
            queryset._prefetch_done = True
            cache[name] = queryset
    return articles

