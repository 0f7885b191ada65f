"""The one allowlist for article body HTML.

Body HTML comes from the rich-text editor, from pasted text and from imports; all of it
goes through `clean_html` before it is stored, so templates may mark it safe.
"""

import nh3

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "em", "b", "i", "a",
    "ul", "ol", "li", "blockquote", "figure", "figcaption",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=ALLOWED_URL_SCHEMES,
    link_rel="noopener",
    strip_comments=True,
)


def clean_html(html):
    """Return `html` reduced to the allowlist; an editor's empty paragraph becomes ""."""
    cleaned = _cleaner.clean(html or "").strip()
    return "" if cleaned in ("<p></p>", "<p><br></p>") else cleaned
