"""The mails themselves: German, plain text and HTML, built without a request.

The HTML is written for mail clients: tables for layout, styles inline, lang="de", no
remote fonts, scripts, tracking pixels or rewritten links; pictures are the site's own
renditions at absolute URLs. Each article's block is rendered once per run and shared by
every mail that carries it.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from articles.images import FILLS, rendition_url


def absolute(url):
    return url if url.startswith(("http://", "https://")) else settings.NEWSROOM_SITE_URL + url


def article_blocks(articles):
    """{article id: (html, text)} for the given public articles."""
    blocks = {}
    for article in articles:
        image = article.lead_image
        picture = None
        if image is not None and image.file:
            image.public_now = True  # the lead image of a public article is public
            url = rendition_url(image, FILLS[1])
            picture = url and {"url": absolute(url), "alt": image.alt,
                               "credit": image.credit.label if image.credit else ""}
        context = {"article": article, "picture": picture,
                   "url": absolute(article.get_absolute_url())}
        blocks[article.pk] = (
            mark_safe(render_to_string("articles/newsletter/mail/article.html", context)),
            render_to_string("articles/newsletter/mail/article.txt", context),
        )
    return blocks


def message_id(delivery):
    """The same for every attempt at one delivery, so that a mail sent twice (a worker
    killed while sending it) shows once."""
    host = urlsplit(settings.NEWSROOM_SITE_URL).hostname or "localhost"
    return f"<mailing-{delivery.mailing_id}.{delivery.pk}@{host}>"


def links(subscriber):
    if subscriber is None:
        return {}
    return {
        "manage_url": absolute(reverse("newsletter:manage", args=[subscriber.key])),
        "unsubscribe_url": absolute(reverse("newsletter:unsubscribe", args=[subscriber.key])),
    }


def message(*, to, subject, template, context, subscriber=None, message_id=None):
    """A multipart mail from `template`.txt and .html; with the one-click unsubscribe
    headers (RFC 8058) when it goes to a subscriber."""
    context = {"site_name": settings.NEWSROOM_SITE_NAME, "subject": subject,
               "site_url": settings.NEWSROOM_SITE_URL, **links(subscriber), **context}
    html = render_to_string(f"articles/newsletter/mail/{template}.html", context)
    text = render_to_string(f"articles/newsletter/mail/{template}.txt", context)
    headers = {}
    if subscriber is not None and subscriber.confirmed_at is not None:
        headers["List-Unsubscribe"] = f"<{context['unsubscribe_url']}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    if message_id:
        headers["Message-ID"] = message_id
    mail = EmailMultiAlternatives(subject, text, settings.NEWSLETTER_FROM, [to],
                                  headers=headers)
    mail.attach_alternative(html, "text/html")
    return mail


def confirmation_subject(subscriber):
    if subscriber.confirmed_at is not None and subscriber.unsubscribed_at is None:
        return _("Ihr Abonnement bei %(site)s") % {"site": settings.NEWSROOM_SITE_NAME}
    return _("Bitte bestätigen Sie Ihre Anmeldung bei %(site)s") % {
        "site": settings.NEWSROOM_SITE_NAME}


def alert_subject(articles):
    first = articles[0]
    if len(articles) == 1:
        return _("Neu: %(headline)s") % {"headline": first.headline}
    return _("%(count)d neue Meldungen, darunter: %(headline)s") % {
        "count": len(articles), "headline": first.headline}
