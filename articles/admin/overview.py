"""The editors' overview on the admin start page: what waits for whom."""

from django.db.models import Prefetch, Q
from django.utils import timezone

from articles.models import Article, ChangeState, Image, Status
from articles.models.images import LICENCE_WARNING_DAYS

OVERVIEW_LENGTH = 8
# Pictures whose licence ends soon: more than fit a list are the image archive's filter.
LICENCE_LIST_LENGTH = 20
ARTICLE_FIELDS = ("pk", "kicker", "headline", "status", "published_at", "updated_at")


def editorial_overview(user, now=None):
    now = now or timezone.now()
    articles = Article.objects.only(*ARTICLE_FIELDS)
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
        "licence_warning_days": LICENCE_WARNING_DAYS,
        # Two queries however many: the pictures with their credits, then their articles.
        "licences_ending": Image.objects.licence_ending(now).prefetch_related(
            Prefetch(
                "lead_articles", to_attr="public_articles",
                queryset=articles.published(now).only(*ARTICLE_FIELDS, "lead_image").newest(),
            ))[:LICENCE_LIST_LENGTH],
    }
