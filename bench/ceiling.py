"""The two ceilings an article page is measured against, served by the same gunicorn.

- The template ceiling renders the real article template with the context the real view
  passes (articles.public.views.render_article), from an article held in memory: unsaved model
  instances whose relations are filled as prefetch_related leaves them, so no query runs.
  It is what an article page would cost if the database were free.
- The bytes ceiling answers with fixed bytes of an article page's size (BENCH_PAGE_BYTES,
  which bench/run.py measures): what gunicorn, Django and the middleware cost alone.

bench/run.py checks once, through the test client, that the template ceiling runs no query.
"""

import os
import random
from functools import cache

from django.contrib.auth.models import User
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from articles.models import Article, City, Image, ImageCredit, Organisation, Person, Status, Topic
from articles.slugs import german_slugify
from bench import generate

RELATED = 5  # as many as Article.objects.related_to() gives


def template_ceiling(request):
    return render(request, "articles/article_detail.html", article_context())


def bytes_ceiling(request):
    return HttpResponse(filler(), content_type="text/html; charset=utf-8")


@cache
def filler():
    return b"x" * int(os.environ.get("BENCH_PAGE_BYTES", "40000"))


def _loaded(model, objects):
    """A queryset that holds `objects` and never queries, as prefetch_related leaves one."""
    queryset = model._default_manager.all()
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    return queryset


@cache
def article_context():
    """An article as the generated newsroom has them, with its related articles."""
    rng = random.Random(generate.SEED)
    writer = generate.Writer(rng, pool_size=500)
    now = timezone.now()
    credit = ImageCredit(pk=1, creator="Thomas Kierok", rights_holder="dpa")

    def named(model, names):
        return [
            model(pk=pk, name=name, slug=german_slugify(name))
            for pk, name in enumerate(names, 1)
        ]

    cities = named(City, generate.city_names(rng, 2))
    topics = named(Topic, generate.topic_names(rng, 3))
    people = named(Person, [name for name, _female in generate.person_names(rng, 2)])
    organisations = named(Organisation, [f"Stadt {cities[0].name}"])
    author = User(pk=1, username="autor01", first_name="Jana", last_name="Muster")

    def article(pk):
        width, height = generate.IMAGE_SIZE
        image = Image(
            pk=pk, file=f"images/bench/{pk}.jpg", width=width, height=height,
            title="Stadtansicht", alt_text="Häuserzeile einer Kleinstadt vor dem Abendhimmel",
            caption="Blick über die Dächer (Archivbild).", credit=credit,
        )
        fields = writer.article(cities[0].name, people[0].name, kicker=cities[0].name)
        return Article(
            pk=pk, slug=f"{german_slugify(fields['headline'], max_length=180)}-{pk}",
            status=Status.PUBLISHED, published_at=now, created_at=now, updated_at=now,
            version=1, lead_image=image, **fields,
        )

    main = article(1)
    relations = {
        "authors": [author], "topics": topics, "cities": cities, "people": people,
        "organisations": organisations,
    }
    main._prefetched_objects_cache = {
        name: _loaded(Article._meta.get_field(name).related_model, objects)
        for name, objects in relations.items()
    }
    related = [article(pk) for pk in range(2, 2 + RELATED)]
    return {"article": main, "related": related, "preview": False}
