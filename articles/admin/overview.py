"""The editors' overview on the admin start page: what waits for whom."""

from django.utils import timezone

from articles.models import Article, Status

OVERVIEW_LENGTH = 8


def editorial_overview(user, now=None):
    now = now or timezone.now()
    articles = Article.objects.only(
        "pk", "kicker", "headline", "status", "published_at", "updated_at"
    )
    return {
        "my_drafts": articles.filter(status=Status.DRAFT, authors=user).order_by("-updated_at")[
            :OVERVIEW_LENGTH
        ],
        "in_review": articles.filter(status=Status.REVIEW).order_by("updated_at")[
            :OVERVIEW_LENGTH
        ],
        "review_count": Article.objects.filter(status=Status.REVIEW).count(),
        "scheduled": articles.filter(status=Status.PUBLISHED, published_at__gt=now).order_by(
            "published_at"
        )[:OVERVIEW_LENGTH],
        "recently_published": articles.published(now).newest()[:OVERVIEW_LENGTH],
    }
