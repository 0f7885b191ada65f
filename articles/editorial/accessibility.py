"""The accessibility check an article's text goes through before it is published.

BITV 2.0 (WCAG 2.1 AA) asks public-sector sites for content everybody can read, screen
readers included. What a machine can tell from the text is checked here, when an article
is submitted or published (articles.editorial.workflow):

- headings in order: a screen reader's outline breaks when h4 follows h2;
- links: none empty, none whose text says nothing about where it leads ("hier", "mehr",
  a bare address): screen readers list links by their text alone;
- the lead image's alternative text: not a file name, not just "Bild" (the text itself
  holds no images);
- no long passages in capitals, which are read letter by letter or hard to read;
- tables with header cells;
- sentences over 30 words, counted: they are hard to follow, but sometimes needed.

Serious findings (an empty link, a skipped heading level, a file name as alternative
text; a missing one stops publishing in any case) stop publishing unless an editor
overrides them with a reason, which the workflow history keeps. The others are hints.
"""

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import PurePath

from django.utils.text import Truncator
from django.utils.translation import gettext as _

from articles.sanitize import clean_html

LONG_SENTENCE_WORDS = 30
# Capitals over this many words in a row are a passage, not an acronym or two.
CAPITALS_MIN_WORDS = 5
CAPITALS = re.compile(
    r"(?:\b[A-ZÄÖÜ][A-ZÄÖÜß\d-]+\b[\s,.;:!?–-]*){" + str(CAPITALS_MIN_WORDS) + ",}")
PASSAGE_CHARS = 80
# Link texts that name no destination; compared case-insensitively, without punctuation.
VAGUE_LINK_TEXTS = {
    "hier", "hier klicken", "klicken sie hier", "mehr", "mehr lesen", "weiterlesen",
    "weiter", "link", "dieser link", "details", "mehr erfahren", "more", "click here",
    "read more", "here",
}
VAGUE_ALT_TEXTS = {"bild", "foto", "grafik", "image", "img", "picture", "photo", "abbildung"}
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".tif", ".tiff", ".heic",
                  ".avif", ".bmp"}


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    passage: str
    serious: bool

    def as_dict(self):
        return {"code": self.code, "message": self.message, "passage": self.passage}


def _passage(text):
    return Truncator(" ".join(text.split())).chars(PASSAGE_CHARS)


class _Outline(HTMLParser):
    """Collects what the checks read: headings, links, images, tables and text blocks."""

    BLOCKS = {"p", "li", "blockquote", "figcaption", "td", "th", "h1", "h2", "h3", "h4", "h5",
              "h6"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.headings, self.links, self.tables, self.blocks = [], [], [], []
        self._link = self._heading = self._table = None
        self._block = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.BLOCKS:
            self._flush()
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = {"level": int(tag[1]), "text": ""}
        elif tag == "a":
            self._link = {"href": attrs.get("href") or "", "text": ""}
        elif tag == "table":
            self._table = {"headers": False, "text": ""}
        elif tag == "th" and self._table is not None:
            self._table["headers"] = True

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self._flush()
        if re.fullmatch(r"h[1-6]", tag) and self._heading is not None:
            self.headings.append(self._heading)
            self._heading = None
        elif tag == "a" and self._link is not None:
            self.links.append(self._link)
            self._link = None
        elif tag == "table" and self._table is not None:
            self.tables.append(self._table)
            self._table = None

    def handle_data(self, data):
        for open_item in (self._heading, self._link, self._table):
            if open_item is not None:
                open_item["text"] += data
        self._block.append(data)

    def _flush(self):
        text = " ".join("".join(self._block).split())
        if text:
            self.blocks.append(text)
        self._block = []

    def close(self):
        super().close()
        self._flush()


def _is_file_name(text):
    name = text.strip().lower()
    return PurePath(name).suffix in IMAGE_SUFFIXES or bool(
        re.fullmatch(r"(img|dsc|dscn|pxl|image|bild|foto)?[_-]?\d[\w-]*", name))


def _bare(text):
    return re.sub(r"[^\w\s]", "", text).strip().lower()


def alt_text_findings(alt, where):
    """Findings for one alternative text; `where` names the picture. A missing one stops
    publishing without exception (workflow.publish_problems)."""
    if _is_file_name(alt):
        return [Finding("alt-file-name", _("Der Alternativtext von %(where)s ist ein "
                                           "Dateiname.") % {"where": where}, alt, True)]
    if _bare(alt) in VAGUE_ALT_TEXTS:
        return [Finding("alt-vague", _("Der Alternativtext von %(where)s sagt nicht, was zu "
                                       "sehen ist.") % {"where": where}, alt, False)]
    return []


def _heading_findings(headings):
    findings = []
    # The page's title is the h1; the text's headings start at h2.
    previous = 1
    for heading in headings:
        if heading["level"] > previous + 1:
            findings.append(Finding(
                "heading-skipped",
                _("Überschriftenebene übersprungen: h%(level)d nach h%(previous)d.")
                % {"level": heading["level"], "previous": previous},
                _passage(heading["text"]) or f"h{heading['level']}", True))
        previous = heading["level"]
    return findings


def _link_findings(links):
    findings = []
    for link in links:
        label = " ".join(link["text"].split())
        if not label:
            findings.append(Finding("link-empty", _("Ein Link hat keinen Text."),
                                    link["href"] or _("(ohne Adresse)"), True))
        elif _bare(label) in VAGUE_LINK_TEXTS:
            findings.append(Finding(
                "link-vague", _("Der Linktext „%(text)s“ sagt nicht, wohin der Link führt.")
                % {"text": label}, f"{label} → {link['href']}", False))
        elif re.fullmatch(r"(https?://|www\.)\S+", label, re.IGNORECASE):
            findings.append(Finding(
                "link-bare-url", _("Ein Link zeigt nur seine Adresse als Text; besser ist, "
                                   "zu sagen, wohin er führt."), label, False))
    return findings


def _text_findings(blocks):
    findings = []
    for block in blocks:
        for run in CAPITALS.finditer(block):
            findings.append(Finding(
                "capitals", _("Ein längerer Abschnitt steht in Großbuchstaben."),
                _passage(run.group(0)), False))
        for sentence in re.split(r"(?<=[.!?])\s+", block):
            words = len(sentence.split())
            if words > LONG_SENTENCE_WORDS:
                findings.append(Finding(
                    "long-sentence", _("Ein Satz hat %(count)d Wörter (mehr als %(max)d).")
                    % {"count": words, "max": LONG_SENTENCE_WORDS}, _passage(sentence), False))
    return findings


def check(body, lead_image=None):
    """Every finding for an article's text as visitors would read it, and its lead image."""
    outline = _Outline()
    outline.feed(clean_html(body or ""))
    outline.close()
    findings = _heading_findings(outline.headings) + _link_findings(outline.links)
    if lead_image is not None and not lead_image.decorative and lead_image.alt_text.strip():
        findings += alt_text_findings(lead_image.alt_text, _("das Aufmacherbild"))
    findings += [
        Finding("table-headers", _("Eine Tabelle hat keine Kopfzellen (th)."),
                _passage(table["text"]), False)
        for table in outline.tables if not table["headers"]
    ]
    return findings + _text_findings(outline.blocks)


def serious(findings):
    return [finding for finding in findings if finding.serious]


def long_sentences(findings):
    return sum(finding.code == "long-sentence" for finding in findings)
