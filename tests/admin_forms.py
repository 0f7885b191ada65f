"""Building the article admin form's POST data, shared by the admin test modules."""

from django.urls import reverse


def article_data(article=None, **changes):
    """The article admin form's POST data: `article`'s values (or an empty form) + changes.

    Pass `_workflow="publish"` and so on to press a workflow button.
    """
    data = {
        "kicker": "", "headline": "", "teaser": "", "body": "", "lead_image": "",
        "topics": "", "cities": "", "published_at_0": "", "published_at_1": "", "slug": "",
        "workflow_comment": "", "edit_version": "",
    }
    if article is not None:
        data.update(
            kicker=article.kicker, headline=article.headline, teaser=article.teaser,
            body=article.body, slug=article.slug, edit_version=article.version,
            topics=", ".join(t.name for t in article.topics.all()),
            cities=", ".join(c.name for c in article.cities.all()),
            authors=[u.pk for u in article.authors.all()],
        )
        if article.published_at:
            local = article.published_at.astimezone()
            data.update(published_at_0=f"{local:%d.%m.%Y}", published_at_1=f"{local:%H:%M:%S}")
    data.update(changes)
    return data


def add_url():
    return reverse("admin:articles_article_add")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])
