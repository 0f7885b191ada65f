"""What every importer needs: keys, headlines and teasers from foreign text, free
slugs, and the tally an import reports at the end.

The WordPress and the feed importer differ in where items come from and how many there
are; what an item becomes (an article with a headline of at most 200 characters, a
plain-text teaser within the workflow's limit, an address of its own) is the same.
"""

import hashlib
import html
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.editorial.workflow import TEASER_MAX_LENGTH
from articles.models import Article, ArticleRedirect
from articles.slugs import german_slugify, unique_slug

HEADLINE_MAX_LENGTH = Article._meta.get_field("headline").max_length
SLUG_MAX_LENGTH = Article._meta.get_field("slug").max_length
KEY_MAX_LENGTH = 255

IMPORTED, UPDATED, SKIPPED, FAILED = "imported", "updated", "skipped", "failed"
OUTCOMES = {
    IMPORTED: gettext_lazy("importiert"),
    UPDATED: gettext_lazy("aktualisiert"),
    SKIPPED: gettext_lazy("übersprungen"),
    FAILED: gettext_lazy("fehlgeschlagen"),
}


def short_key(key):
    """A key that fits ImportedItem.key: long GUIDs as their SHA-256."""
    key = str(key)
    if len(key) <= KEY_MAX_LENGTH:
        return key
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()


def plain_text(markup):
    """Text without tags and entities, on one line: "Bürger &amp; Amt" -> "Bürger & Amt".
    Unescaped twice: WordPress titles often hold entities of entities ("&amp;#8211;")."""
    text = html.unescape(html.unescape(strip_tags(markup or "")))
    return " ".join(text.split())


def cut_at_word(text, limit):
    """`text` within `limit` characters, cut after a whole word, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-–") + "…"


def headline_from(title, fallback):
    return cut_at_word(plain_text(title), HEADLINE_MAX_LENGTH) or fallback


_FIRST_PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p>", re.IGNORECASE | re.DOTALL)


def teaser_from(excerpt, body):
    """The excerpt, else the body's first paragraph with text, as plain text within the
    workflow's limit (TEASER_MAX_LENGTH)."""
    text = plain_text(excerpt)
    if not text:
        for paragraph in _FIRST_PARAGRAPH.findall(body or ""):
            text = plain_text(paragraph)
            if text:
                break
    return cut_at_word(text, TEASER_MAX_LENGTH)


class Slugs:
    """Hands out article slugs: the one an item had where it is still free, else a new
    one from the headline. Keeps what it handed out, so a batch written in one go never
    has two articles on the same address."""

    def __init__(self):
        self.given, self.known_taken = set(), set()

    def preload(self, wanted):
        """Look up in two queries which of the `wanted` slugs are taken already."""
        slugs = [german_slugify(w, max_length=SLUG_MAX_LENGTH) for w in wanted if w]
        self.known_taken = {
            *Article.objects.filter(slug__in=slugs).values_list("slug", flat=True),
            *ArticleRedirect.objects.filter(old_slug__in=slugs)
            .values_list("old_slug", flat=True),
        }
        self.preloaded = set(slugs)

    def take(self, wanted, headline):
        wanted = german_slugify(wanted, max_length=SLUG_MAX_LENGTH)
        if wanted and wanted not in self.given and not self._taken(wanted):
            slug = wanted
        else:
            base = wanted or headline
            reserved = [*self.given, *ArticleRedirect.objects.values_list("old_slug", flat=True)
                        .filter(old_slug__startswith=german_slugify(base)[:50])]
            slug = unique_slug(Article, base, max_length=SLUG_MAX_LENGTH, reserved=reserved)
        self.given.add(slug)
        return slug

    def _taken(self, slug):
        if slug in getattr(self, "preloaded", ()):
            return slug in self.known_taken
        return (Article.objects.filter(slug=slug).exists()
                or ArticleRedirect.objects.filter(old_slug=slug).exists())


@dataclass
class Tally:
    """How an import went: counts by kind and outcome, failures with their reason, and
    notes (shortcodes dropped, files missing) for the summary."""

    counts: dict = field(default_factory=lambda: defaultdict(Counter))
    failures: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    def add(self, kind, outcome, n=1):
        self.counts[kind][outcome] += n

    def fail(self, kind, title, reason):
        self.add(kind, FAILED)
        self.failures.append((str(kind), title, str(reason)))

    def note(self, message):
        self.notes.append(str(message))

    def rows(self):
        """The summary as table rows: a header, then one row per kind."""
        header = [_("Art"), *(str(label) for label in OUTCOMES.values())]
        return [header, *([str(kind), *(str(counts[o]) for o in OUTCOMES)]
                          for kind, counts in self.counts.items())]


def format_table(rows):
    """Rows as a plain-text table with aligned columns, for the terminal."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w)
                       for i, (cell, w) in enumerate(zip(row, widths, strict=True)))
             for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


class Progress:
    """A progress bar on a command's stderr (an OutputWrapper), redrawn in place; no
    dependency."""

    WIDTH = 30

    def __init__(self, stream, total, label):
        self.stream, self.total, self.label, self.shown = stream, max(total, 1), label, -1

    def update(self, done):
        percent = done * 100 // self.total
        if percent == self.shown:
            return
        self.shown = percent
        filled = self.WIDTH * done // self.total
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (self.WIDTH - filled)}] "
                          f"{done}/{self.total} ({percent} %)", ending="")
        self.stream.flush()

    def finish(self):
        self.stream.write("")
        self.stream.flush()


def print_summary(command, tally, *, dry_run=False, verbosity=1):
    """A management command's closing report: the table, failures and notes."""
    if not verbosity:
        return
    if dry_run:
        command.stdout.write(_("Probelauf: Es wurde nichts gespeichert."))
    if tally.counts:
        command.stdout.write(format_table(tally.rows()))
    for kind, title, reason in tally.failures:
        command.stdout.write(command.style.WARNING(
            _("Fehlgeschlagen (%(kind)s) „%(title)s“: %(reason)s")
            % {"kind": kind, "title": title, "reason": reason}))
    for note in tally.notes:
        command.stdout.write(note)
