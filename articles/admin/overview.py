"""The editors' overview on the admin start page: what waits for whom."""

from django.db.models import Q
from django.utils import timezone

from articles.models import Article, ChangeState, Status

OVERVIEW_LENGTH = 8


def editorial_overview(user, now=None):
    now = now or timezone.now()
    articles = Article.objects.only(
        "pk", "kicker", "headline", "status", "published_at", "updated_at"
    )
    # New articles in review, and changes to published ones.
    waiting = Q(status=Status.REVIEW) | Q(working_copy__state=ChangeState.REVIEW)
    return {
        "my_drafts": articles.filter(status=Status.DRAFT, authors=user).order_by("-updated_at")[
            :OVERVIEW_LENGTH
        ],
        "in_review": articles.filter(waiting).order_by("updated_at")[:OVERVIEW_LENGTH],
        "review_count": Article.objects.filter(waiting).count(),
        "scheduled": articles.filter(status=Status.PUBLISHED, published_at__gt=now).order_by(
            "published_at"
        )[:OVERVIEW_LENGTH],
        "recently_published": articles.published(now).newest()[:OVERVIEW_LENGTH],
    }
