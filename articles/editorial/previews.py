"""Share links for unpublished articles, signed with django.core.signing.

A link carries the article's id and its `preview_key`, signed with a timestamp. It stops
working when it expires, when the article is published (from then on the public URL is
the one to share) or when an editor revokes all links by replacing the key.
"""

import uuid

from django.conf import settings
from django.core import signing
from django.urls import reverse

from articles.models import Article

SALT = "articles.preview"


def share_token(article):
    return signing.dumps({"a": article.pk, "k": article.preview_key.hex}, salt=SALT)


def share_url(article):
    return reverse("articles:preview_share", args=[share_token(article)])


def article_for_token(token, queryset=None):
    """The previewable article a token names, or None if it is invalid, old or revoked."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.NEWSROOM_PREVIEW_LINK_MAX_AGE)
    except signing.BadSignature:  # also SignatureExpired
        return None
    queryset = queryset if queryset is not None else Article.objects.all()
    article = queryset.filter(pk=data.get("a")).first()
    if article is None or article.preview_key.hex != data.get("k") or article.is_public:
        return None
    return article


def revoke_links(article):
    """Give `article` a new preview key: every share link made so far stops working.
    The workflow calls it on each step that changes what a link would show (publish,
    schedule, archive, reopen, trash), so a link made for one state never opens another."""
    article.preview_key = uuid.uuid4()
    Article.objects.filter(pk=article.pk).update(preview_key=article.preview_key)


def max_age_days():
    return settings.NEWSROOM_PREVIEW_LINK_MAX_AGE // 86400
