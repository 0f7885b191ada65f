"""Every public URL the project has, read from the URLconf, so no new view escapes the
leak and fuzz tests."""

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from articles.models import LegalPageKind

# Parameters whose every value is known: the legal pages.
FIXED_VALUES = {"kind": [kind.value for kind in LegalPageKind]}
# Not public pages: the admin with the second factor's pages under it (staff only,
# tests/test_second_factor.py), and previews, which exist to show unpublished articles
# to staff and to holders of a signed link (tests/test_previews.py covers them).
NOT_PUBLIC = {"admin", "accounts", "otp_webauthn", "articles:preview",
              "articles:preview_share"}


def url_names():
    """(name, route parameter names) of every named pattern outside NOT_PUBLIC."""

    def walk(patterns, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                if entry.namespace not in NOT_PUBLIC:
                    yield from walk(entry.url_patterns, inner)
            elif isinstance(entry, URLPattern) and entry.name:
                name = f"{namespace}{entry.name}"
                if name not in NOT_PUBLIC:
                    yield name, tuple(entry.pattern.converters)

    return sorted(set(walk(get_resolver().url_patterns, "")))


def concrete_urls(values):
    """Every public URL filled in with each combination of `values` for its parameters.

    `values` maps a route parameter name ("slug", "year", ...) and optionally a
    "<url name>.<parameter>" to the list of values to try. An unknown parameter fails,
    so a new kind of URL must be given values here before it can pass.
    """
    urls = []
    values = {**FIXED_VALUES, **values}
    for name, parameters in url_names():
        combinations = [{}]
        for parameter in parameters:
            options = values.get(f"{name}.{parameter}", values.get(parameter))
            if options is None:
                raise AssertionError(f"No test values for <{parameter}> in {name}")
            combinations = [{**c, parameter: option} for c in combinations for option in options]
        urls += [(name, reverse(name, kwargs=kwargs)) for kwargs in combinations]
    return urls


def newsletter_values():
    """A reader's personal links (managing, unsubscribing, confirming), which are public
    pages too: whoever holds the link sees them."""
    from articles.models import Subscriber
    from articles.newsletter import links

    reader = Subscriber.objects.get_or_create(email="leser@example.org",
                                              defaults={"consent_text": "Einwilligung"})[0]
    return {"key": [reader.key], "token": [links.confirmation_token(reader)]}
