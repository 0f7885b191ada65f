"""An article's topics, cities, people, organisations, authors and manual relations in one
query.

Five prefetches would cost five queries per page; a UNION of the five link tables costs
one. The rows fill the same caches prefetch_related fills, so `article.topics.all` and
friends work as usual in templates, feeds and JSON-LD, without touching the database.
"""

import functools

from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connections

from .people import Organisation, Person
from .tags import City, TaggedCity, TaggedTopic, Topic


def _links():
    """relation → (link model, its article field, its target field, target model, and
    the target's four text fields that pages need; None where fewer)."""
    from .article import Article

    user_model = get_user_model()
    return {
        "topics": (TaggedTopic, "content_object", "tag", Topic, ("name", "slug", None, None)),
        "cities": (TaggedCity, "content_object", "tag", City, ("name", "slug", "state", "ags")),
        "people": (Article.people.through, "article", "person", Person,
                   ("name", "slug", None, None)),
        "organisations": (Article.organisations.through, "article", "organisation",
                          Organisation, ("name", "slug", "kind", None)),
        "authors": (Article.authors.through, "article", "user", user_model,
                    ("first_name", "last_name", user_model.USERNAME_FIELD, None)),
        # Manual relations, public or not: "Weitere Meldungen" needs their ids.
        "related": (Article.related.through, "from_article", "to_article", Article,
                    ("headline", "slug", None, None)),
    }


@functools.cache
def _union_sql(alias, count):
    """The UNION of the link tables for `count` articles. Written from the models' metadata
    once per count: compiling six querysets and their union through the ORM took twice as
    long as the database takes to answer, on every article page."""
    quote = connections[alias].ops.quote_name
    ids = ", ".join(["%s"] * count)
    selects = []
    for link, article, target, model, fields in _links().values():
        article_column = link._meta.get_field(article).column
        target_column = link._meta.get_field(target).column
        texts = [
            f"t.{quote(model._meta.get_field(field).column)}" if field else "''"
            for field in fields
        ]
        selects.append(
            f"SELECT %s, l.{quote(article_column)}, l.{quote(target_column)}, {', '.join(texts)} "
            f"FROM {quote(link._meta.db_table)} l JOIN {quote(model._meta.db_table)} t "
            f"ON t.{quote(model._meta.pk.column)} = l.{quote(target_column)} "
            f"WHERE l.{quote(article_column)} IN ({ids})"
        )
    return " UNION ALL ".join(selects) + " ORDER BY 1, 4, 5"


def load_relations(articles):
    """Fill each article's relation caches with one query; returns the articles."""
    articles = [a for a in articles if a is not None]
    if not articles:
        return articles
    ids = [a.pk for a in articles]
    links = _links()
    alias = articles[0]._state.db or DEFAULT_DB_ALIAS
    params = [value for name in links for value in (name, *ids)]
    with connections[alias].cursor() as cursor:
        cursor.execute(_union_sql(alias, len(ids)), params)
        rows = cursor.fetchall()
    found = {(a.pk, name): [] for a in articles for name in links}
    for name, article_id, target_id, *texts in rows:
        _link, _column, _target, model, fields = links[name]
        values = dict(zip(fields, texts, strict=True))
        values.pop(None, None)
        obj = model(pk=target_id, **values)
        obj._state.adding = False
        obj._state.db = alias
        found[article_id, name].append(obj)
    for article in articles:
        cache = article.__dict__.setdefault("_prefetched_objects_cache", {})
        for name, (_link, _column, _target, model, _fields) in links.items():
            queryset = model._default_manager.all()
            queryset._result_cache = found[article.pk, name]
            queryset._prefetch_done = True
            cache[name] = queryset
    return articles

