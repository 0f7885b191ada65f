"""The one allowlist for article body HTML.

Body HTML comes from the rich-text editor, from pasted text and from imports; all of it
goes through `clean_html` before it is stored, so templates may mark it safe.
"""

import re

import nh3

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "em", "b", "i", "a",
    "ul", "ol", "li", "blockquote", "figure", "figcaption",
    # Tables of figures (budgets, results), as imports and pastes bring them; the
    # accessibility check asks for their header cells.
    "table", "caption", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}



def _keep_url(tag, attribute, value):
    """A link keeps its address when it names an allowed scheme or none at all. nh3
    passes addresses whose scheme is empty (":", ":x") as relative, though they are
    neither a link an editor meant nor one every browser reads alike."""
    if attribute != "href":
        return value
    head = re.split(r"[/?#]", value.strip(), maxsplit=1)[0]
    if ":" in head and head.split(":", 1)[0].lower() not in ALLOWED_URL_SCHEMES:
        return None
    return value


_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=ALLOWED_URL_SCHEMES,
    attribute_filter=_keep_url,
    link_rel="noopener",
    strip_comments=True,
)


# Broken nesting ("<h2><h2>") can serialise into markup that parses differently once
# more; cleaning until nothing changes makes stored bodies stable under re-saving.
MAX_PASSES = 4


def clean_html(html):
    """Return `html` reduced to the allowlist; an editor's empty paragraph becomes ""."""
    cleaned = (html or "").strip()
    for _ in range(MAX_PASSES):
        previous, cleaned = cleaned, _cleaner.clean(cleaned).strip()
        if cleaned == previous:
            break
    return "" if cleaned in ("<p></p>", "<p><br></p>") else cleaned
