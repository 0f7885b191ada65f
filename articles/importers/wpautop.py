"""WordPress' own text rules, so imported posts read as they did on the old site.

WordPress stores a post's text as typed: blank lines stand for paragraphs, single line
breaks for `<br>`, and shortcodes (`[caption]…[/caption]`, `[gallery]`) for things a
plugin renders. The browser never saw that text; it saw what `wpautop()` and the
shortcode handlers made of it. This module does the same for the parts we can carry
over and drops the rest, naming what it dropped; the result still goes through our
sanitiser (articles.sanitize) before it is stored.
"""

import html
import re
from collections import Counter

# Elements wpautop never wraps in a paragraph (WordPress' own list, less what our
# sanitiser throws away anyway).
BLOCKS = (
    "table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|"
    "map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|article|"
    "aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary"
)
_OPEN_BLOCK = re.compile(rf"(<(?:{BLOCKS})[\s/>])", re.IGNORECASE)
_CLOSE_BLOCK = re.compile(rf"(</(?:{BLOCKS})>)", re.IGNORECASE)
_P_AROUND_OPEN = re.compile(rf"<p>\s*(</?(?:{BLOCKS})[\s/>][^>]*>?)", re.IGNORECASE)
_P_AROUND_CLOSE = re.compile(rf"(</?(?:{BLOCKS})[^>]*>)\s*</p>", re.IGNORECASE)
_BR_AFTER_BLOCK = re.compile(rf"(</?(?:{BLOCKS})[^>]*>)\s*<br />", re.IGNORECASE)

# `[name attr="…"]`, `[name/]`, `[/name]`; `[[name]]` is WordPress' way of writing the
# brackets themselves. Names start with a letter, so "[1]" and "[…]" stay text.
_SHORTCODE = re.compile(r"\[(\[?)(/?)([a-zA-Z][\w-]*)((?:\s[^\]]*)?)(/?)\](\]?)")
_CAPTION = re.compile(
    r"\[(?:caption|wp_caption)\b([^\]]*)\](.*?)\[/(?:caption|wp_caption)\]",
    re.IGNORECASE | re.DOTALL,
)
_CAPTION_ATTRIBUTE = re.compile(r"""\bcaption\s*=\s*(["'])(.*?)\1""", re.DOTALL)
_MEDIA = re.compile(r"^\s*(?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?", re.IGNORECASE)


def wpautop(text):
    """Paragraphs from blank lines and `<br>` from single line breaks, as WordPress shows
    a post; block elements such as lists and headings are left unwrapped."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return ""
    text = _OPEN_BLOCK.sub(r"\n\n\1", text)
    text = _CLOSE_BLOCK.sub(r"\1\n\n", text)
    chunks = [chunk.strip() for chunk in re.split(r"\n\s*\n", text)]
    text = "".join(f"<p>{chunk}</p>\n" for chunk in chunks if chunk)
    text = _P_AROUND_OPEN.sub(r"\1", text)
    text = _P_AROUND_CLOSE.sub(r"\1", text)
    text = re.sub(r"(?<!<br />)\s*\n(?!\s*<)", "<br />\n", text)
    text = _BR_AFTER_BLOCK.sub(r"\1", text)
    return re.sub(r"<p>\s*</p>", "", text).strip()


def captions_to_figures(text):
    """`[caption]<img …> Text[/caption]` becomes a figure with the text as its caption
    (the picture itself our bodies do not hold; it comes over as an image)."""

    def figure(match):
        attributes, inner = match.group(1), match.group(2)
        caption = _MEDIA.sub("", inner).strip()
        if not caption:
            found = _CAPTION_ATTRIBUTE.search(attributes)
            caption = html.unescape(found.group(2)) if found else ""
        return f"<figure><figcaption>{caption}</figcaption></figure>"

    return _CAPTION.sub(figure, text or "")


def strip_shortcodes(text):
    """Remove every other shortcode, keeping what an enclosing one wraps; return the text
    and how often each name was removed."""
    removed = Counter()

    def drop(match):
        escaped_open, closing, name, _attrs, _selfclose, escaped_close = match.groups()
        if escaped_open and escaped_close:  # [[name]]: the brackets are text
            return match.group(0)[1:-1]
        if not closing:
            removed[name.lower()] += 1
        return escaped_open + escaped_close

    return _SHORTCODE.sub(drop, text or ""), removed


def render(content):
    """A post's stored text as the old site showed it, before sanitising; returns the
    HTML and the names of the shortcodes that were dropped, with their counts."""
    text, removed = strip_shortcodes(captions_to_figures(content))
    return wpautop(text), removed
