"""Which known people, organisations, places and topics a German text names, and which
names in it might be people or organisations the newsroom does not know yet.

Every name and alias of the vocabulary goes into one Aho-Corasick automaton, over words
rather than letters: the text is cut into words, each word is brought to the vocabulary
word it is an inflected form of ("Kaiserslauterns" → kaiserslautern, "Landkreises" →
landkreis, "Cities" → city, "Digitalen" → digitaler), and one pass over the words finds
every name, however many there are. Overlapping names go to the longest ("Stadt
Kaiserslautern" the organisation, not Kaiserslautern the place inside it).

People count by full name; afterwards, their surname alone counts too ("so Benz"), but
a surname alone before the full name is nobody in particular.

The automaton is built once per vocabulary version: a key in the shared cache that every
save or deletion of a topic, place, person or organisation renews (at the save and again
at its commit, as the page cache's keys are), so no worker of any machine keeps
suggesting from an old vocabulary.
"""

import html
import re
import threading
from bisect import bisect_left
from dataclasses import asdict, dataclass
from itertools import accumulate
from pathlib import Path

import ahocorasick
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from articles import surrogate_keys
from articles.editorial import livecopy
from articles.models import City, Organisation, Person, Topic
from articles.models.tags import PlaceKind

VOCABULARY = "vocabulary"
KINDS = {"topic": Topic, "city": City, "person": Person, "organisation": Organisation}
# Where an article keeps each kind (its field, and its content document's key).
RELATION = {"topic": "topics", "city": "cities", "person": "people",
            "organisation": "organisations"}

# How sure a kind of mention makes us; several mentions add a little.
CONFIDENCE = {"name": 0.95, "alias": 0.9, "variant": 0.85, "surname": 0.85}
INFLECTED = 0.05  # less for "Kaiserslauterns" than for "Kaiserslautern"
MENTION_BONUS, CONFIDENCE_CAP = 0.01, 0.99
NEW_PERSON, NEW_ORGANISATION = 0.6, 0.6

# A word: letters and digits, with inner dots, apostrophes and ampersands ("KL.digital",
# "e.V", "B&O"). Hyphens and spaces join the words of one name; anything else between
# two words (a comma, a bracket, a line break) ends it.
WORD_AND_GAP = re.compile(r"(\W*?)(\w+(?:[.'’&]\w+)*)")
JOINING = re.compile(r"[ \t\u00a0\-‐]*")
BARRIER, UNKNOWN = "|", "~"
PAIRS = (("„", "“"), ("(", ")"), ("»", "«"), ("“", "”"))

# Endings of German (and English plural) word forms, tried in this order when a word is
# no vocabulary word as it stands: the replacement then must be one.
INFLECTIONS = (("ies", "y"), ("es", ""), ("s", ""), ("en", ""), ("n", ""), ("e", ""),
               ("'s", ""), ("’s", ""))
MIN_STEM = 3
# An adjective in a name ("Digitaler Zwilling") in its other forms ("Digitalen Zwilling").
ADJECTIVE_ENDINGS = ("er", "es", "en", "em", "e")

# Names of Kreise, also said with or without "Land" and in the genitive.
DISTRICT_WORDS = ("Landkreis", "Kreis")

# Unknown names: a known first name and a surname, or a name with a legal form.
FIRST_NAMES = frozenset(
    name.casefold()
    for line in (Path(__file__).with_name("first_names.txt")).read_text("utf-8").splitlines()
    if not line.startswith("#")
    for name in line.split()
)
LEGAL_FORMS = frozenset(word.casefold() for word in (
    "GmbH", "gGmbH", "mbH", "AG", "KG", "KGaA", "eG", "SE", "UG", "e.V", "e.K"))
# Words that follow a first name without being a surname ("Klaus Oberbürgermeister" is
# rare, "Sarah Geschäftsführerin" frequent), and endings only common nouns have.
NOT_SURNAMES = frozenset(word.casefold() for word in (
    "Geschäftsführer", "Geschäftsführerin", "Oberbürgermeister", "Oberbürgermeisterin",
    "Bürgermeister", "Bürgermeisterin", "Professor", "Professorin", "Leiter", "Leiterin",
    "Landrat", "Landrätin", "Minister", "Ministerin", "Präsident", "Präsidentin", "Stadt",
    "Gemeinde", "Kreis", "Der", "Die", "Das", "Und", "Von", "Vom", "Zum", "Zur"))
# Words for a kind of organisation, before its name ("des Vereins Offene Kommunen e.V.").
GENERIC_ORGANISATIONS = frozenset((
    "verein", "vereins", "firma", "unternehmen", "unternehmens", "gesellschaft", "verband",
    "verbands", "verbandes", "beratungsunternehmen", "beratungsunternehmens"))
NOUN_ENDINGS = ("ung", "heit", "keit", "schaft", "tion", "tät", "ismus", "ment", "nis")


@dataclass(frozen=True)
class Suggestion:
    kind: str  # topic, city, person, organisation
    name: str
    matched: str  # the text as written at its first mention
    confidence: float
    slug: str = ""  # empty for a name nobody knows yet
    pk: int | None = None

    @property
    def is_new(self):
        return self.pk is None

    def as_dict(self):
        return {**asdict(self), "new": self.is_new}


# A word of a text, as a plain tuple (the hot path makes 10,000 of them for a long text):
# its text, start, end, and whether only spaces or hyphens lie between it and the word
# before (one name may go on).
TEXT, START, END, JOINED = range(4)


def _capitalised(word):
    return word[TEXT][:1].isupper()


def words(text):
    found, position = [], 0
    for gap, word in WORD_AND_GAP.findall(text):
        start = position + len(gap)
        position = start + len(word)
        # A single space, by far the most frequent gap, needs no closer look.
        joined = bool(found) and (gap == " " or JOINING.fullmatch(gap) is not None)
        found.append((word, start, position, joined))
    return found


def _pattern_words(name):
    """A name's words as the automaton spells them, barriers kept only inside."""
    spelled = []
    for word in words(name):
        if spelled and not word[JOINED]:
            spelled.append(BARRIER)
        spelled.append(word[TEXT].casefold())
    return spelled


def _name_variants(kind, name, place_kind):
    """Other ways a text names a Kreis: with or without "Land", or by its own name alone
    ("des Landkreises Hameln-Pyrmont", "Hameln-Pyrmont")."""
    if kind != "city":
        return []
    first, _space, rest = name.partition(" ")
    if first in DISTRICT_WORDS and rest:
        own = rest
    elif place_kind == PlaceKind.DISTRICT:
        own = name
    else:
        return []
    return [f"{word} {own}" for word in DISTRICT_WORDS if f"{word} {own}" != name] + (
        [own] if own != name else [])


def _closed(text, start, end):
    """The text from `start` to `end`, with the quote or bracket that closes one opened
    inside it („Kommunal“, Halle (Saale)), its spaces plain."""
    written = " ".join(text[start:end].split())
    for opening, closing in PAIRS:
        if written.count(opening) > written.count(closing) and text.startswith(closing, end):
            return written + closing
    return written


def _surname_like(word):
    folded = word[TEXT].casefold()
    return (_capitalised(word) and word[TEXT][1:2].islower() and folded not in NOT_SURNAMES
            and folded not in FIRST_NAMES and not folded.endswith(NOUN_ENDINGS))


class Matcher:
    """The automaton for one vocabulary: `find(text)` gives the suggestions for a text."""

    def __init__(self, entries):
        """`entries`: (kind, pk, slug, name, aliases, place_kind) for every known subject."""
        self.entities = []
        self.exact = set()  # the words of every name
        self.forms = {}  # other forms of those words → the word
        self.first_names = set(FIRST_NAMES)
        patterns = {}
        for kind, pk, slug, name, aliases, place_kind in entries:
            index = len(self.entities)
            self.entities.append((kind, pk, slug, name))
            spelled = [(name, "name"), *((alias, "alias") for alias in aliases)]
            spelled += [(variant, "variant") for variant in _name_variants(kind, name,
                                                                           place_kind)]
            if kind == "person":
                name_words = name.split()
                if len(name_words) > 1:
                    self.first_names.add(name_words[0].casefold())
                    spelled.append((name_words[-1], "surname"))
            for text, how in spelled:
                pattern = _pattern_words(text)
                if not pattern:
                    continue
                self.exact.update(pattern)
                if kind in ("topic", "organisation"):
                    self._add_adjective_forms(pattern[:-1])
                patterns.setdefault(" ".join(pattern), []).append(
                    (index, how, text[:1].isupper()))
        self.automaton = ahocorasick.Automaton()
        for key, targets in patterns.items():
            self.automaton.add_word(f" {key} ", (len(key) + 2, key.count(" ") + 1, tuple(targets)))
        if patterns:
            self.automaton.make_automaton()

    def _add_adjective_forms(self, leading):
        for word in leading:
            for ending in ADJECTIVE_ENDINGS:
                if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM:
                    stem = word[: -len(ending)]
                    for other in ADJECTIVE_ENDINGS:
                        self.forms.setdefault(stem + other, word)
                    break

    def _vocabulary_word(self, folded):
        """The vocabulary word a case-folded word is a form of (None: of none), and
        whether it is inflected."""
        if folded in self.exact:
            return folded, False
        if folded in self.forms:
            return self.forms[folded], True
        for ending, replacement in INFLECTIONS:
            if folded.endswith(ending) and len(folded) - len(ending) >= MIN_STEM:
                base = folded[: -len(ending)] + replacement
                if base in self.exact:
                    return base, True
        return None, False

    def find(self, text):
        """Suggestions for `text`: known subjects, most confident first, then new names."""
        found = words(text)
        seen = {}  # a text repeats its words: each is looked up once
        spelled, owners, inflected = [], [], []  # owners: the word of each spelled one
        for index, word in enumerate(found):
            if index and not word[JOINED]:
                spelled.append(BARRIER)
                owners.append(None)
            folded = word[TEXT].casefold()
            hit = seen.get(folded)
            if hit is None:
                hit = seen[folded] = self._vocabulary_word(folded)
            spelled.append(hit[0] or UNKNOWN)
            owners.append(index)
            inflected.append(hit[1])
        line = f" {' '.join(spelled)} "
        # Where each spelled word starts in the line: the few hits are placed by bisection.
        starts = list(accumulate((len(part) + 1 for part in spelled), initial=1))
        candidates = []
        if len(self.automaton):
            for end, (length, count, targets) in self.automaton.iter(line):
                first = bisect_left(starts, end - length + 2)
                if starts[first] == end - length + 2:
                    candidates.append((owners[first], owners[first + count - 1] + 1, targets))
        known, covered = self._known(text, found, inflected, candidates)
        return known + self._new_names(text, found, covered, known)

    def _known(self, text, found, inflected, candidates):
        """The longest name at each place, left to right; a surname alone counts for
        people named in full before it. Names are capitalised as the text has them."""
        mentions = {}  # entity index → [confidence, mentions, text at the first]
        named_in_full, covered = set(), set()
        taken_until = 0
        for first, last, targets in sorted(candidates, key=lambda c: (c[0], c[0] - c[1])):
            if first < taken_until:
                continue
            capitalised = _capitalised(found[first])
            matched = [(index, how) for index, how, upper in targets
                       if capitalised == upper
                       and (how != "surname" or index in named_in_full)]
            if not matched:
                continue
            taken_until = last
            covered.update(range(first, last))
            written = _closed(text, found[first][START], found[last - 1][END])
            less = INFLECTED if any(inflected[first:last]) else 0
            for index, how in matched:
                if how != "surname":
                    named_in_full.add(index)
                entry = mentions.setdefault(index, [0, 0, written])
                entry[0] = max(entry[0], CONFIDENCE[how] - less)
                entry[1] += 1
        suggestions = []
        for index, (confidence, count, written) in mentions.items():
            kind, pk, slug, name = self.entities[index]
            score = min(CONFIDENCE_CAP, confidence + MENTION_BONUS * (count - 1))
            suggestions.append(Suggestion(kind=kind, name=name, matched=written, pk=pk,
                                          slug=slug, confidence=round(score, 2)))
        suggestions.sort(key=lambda s: (-s.confidence, s.kind, s.name))
        return suggestions, covered

    def _new_names(self, text, found, covered, known):
        """People and organisations nobody knows yet, conservatively: a known first name
        before a surname, or capitalised words before a legal form ("Beispiel Software
        GmbH"). Ordinary nouns, capitalised in German, make neither."""
        taken = {suggestion.name.casefold() for suggestion in known}
        new = {}
        for i, word in enumerate(found):
            if i in covered:
                continue
            folded = word[TEXT].casefold()
            if folded in LEGAL_FORMS:
                first = i
                while (first > 0 and i - first < 4 and found[first][JOINED]
                       and first - 1 not in covered and _capitalised(found[first - 1])
                       and found[first - 1][TEXT].casefold() not in NOT_SURNAMES
                       and found[first - 1][TEXT].casefold() not in GENERIC_ORGANISATIONS):
                    first -= 1
                if first < i:
                    # "e.V." ends with its dot, whatever ends the sentence.
                    end = word[END] + (text[word[END]:word[END] + 1] == "." and "." in folded)
                    new.setdefault("organisation", {}).setdefault(
                        _closed(text, found[first][START], end), NEW_ORGANISATION)
            elif (folded in self.first_names and _capitalised(word) and i + 1 < len(found)
                  and i + 1 not in covered and found[i + 1][JOINED]
                  and _surname_like(found[i + 1])):
                last = i + 1
                # A double name ("Müller-Lüdenscheidt") is joined by a hyphen.
                while (last + 1 < len(found) and found[last + 1][JOINED]
                       and "-" in text[found[last][END]:found[last + 1][START]]
                       and _surname_like(found[last + 1])):
                    last += 1
                new.setdefault("person", {}).setdefault(
                    _closed(text, word[START], found[last][END]), NEW_PERSON)
        return [Suggestion(kind=kind, name=name, matched=name, confidence=confidence)
                for kind, names in sorted(new.items())
                for name, confidence in names.items() if name.casefold() not in taken]


# One matcher per process, for the vocabulary version it was built from.
_built = {"version": None, "matcher": None}
_building = threading.Lock()


def vocabulary_changed(sender, **kwargs):
    """Receives saves and deletions of topics, places, people and organisations."""
    surrogate_keys.changed(VOCABULARY)


def connect():
    """Renew the vocabulary version on every change to it; called from apps.ready()."""
    from django.db.models.signals import post_delete, post_save

    for model in KINDS.values():
        uid = f"vocabulary-{model._meta.label}"
        post_save.connect(vocabulary_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(vocabulary_changed, sender=model, dispatch_uid=uid)


def build():
    """A matcher for the vocabulary as the database has it now (four queries)."""
    entries = []
    for kind, model in KINDS.items():
        place = ("kind",) if model is City else ()
        for pk, slug, name, aliases, *place_kind in model.objects.order_by("pk").values_list(
                "pk", "slug", "name", "aliases", *place):
            alias_list = [" ".join(line.split()) for line in aliases.splitlines()
                          if line.strip()]
            entries.append((kind, pk, slug, name, alias_list, place_kind[0] if place_kind
                            else ""))
    return Matcher(entries)


def matcher():
    """The matcher for the current vocabulary, built once per version in each process.
    Bulk writes that bypass the models' signals renew every key of the site, and with it
    this one."""
    found = surrogate_keys.versions([VOCABULARY, surrogate_keys.EVERYTHING])
    version = tuple(sorted(found.items()))
    if None in found.values():
        return build()  # the cache cannot say which version is current: never keep
    with _building:
        if _built["version"] != version:
            _built["matcher"], _built["version"] = build(), version
        return _built["matcher"]


def plain_text(html_text):
    """Visible text of the body's HTML, paragraphs kept apart."""
    spaced = re.sub(r"<(/p|br\s*/?|/h\d|/li|/blockquote)>", "\n", html_text or "")
    return html.unescape(strip_tags(spaced))


def article_text(content):
    """What suggestions read of an article's content (a form's values or a content
    document): kicker, headline, teaser and body, each a paragraph of its own."""
    parts = [content.get("kicker") or "", content.get("headline") or "",
             content.get("teaser") or "", plain_text(content.get("body") or "")]
    return "\n\n".join(part for part in parts if part.strip())


def suggest(text, min_confidence=0.0):
    return [s for s in matcher().find(text) if s.confidence >= min_confidence]


def already_linked(content, suggestion):
    """Whether an article's content (a content document) links the suggested subject."""
    field = RELATION[suggestion.kind]
    if suggestion.kind in ("topic", "city"):
        return suggestion.name.casefold() in {name.casefold() for name in content[field]}
    return suggestion.pk in {ref["id"] for ref in content[field]}


def link(article, suggestions, user=None):
    """Link the known subjects among `suggestions` to `article`, through the one writer
    of content: a draft changes at once, a published article gets them in its working
    copy, which reaches visitors only when an editor publishes it. Returns the ones it
    linked (none: nothing was saved)."""
    content = livecopy.content_of(article)
    added = [s for s in suggestions if not s.is_new and not already_linked(content, s)]
    if not added:
        return []
    for suggestion in added:
        field = RELATION[suggestion.kind]
        if suggestion.kind in ("topic", "city"):
            content[field] = sorted([*content[field], suggestion.name])
        else:
            content[field] = sorted([*content[field], {"id": suggestion.pk,
                                                       "name": suggestion.name}],
                                    key=lambda ref: (ref["name"], ref["id"]))
    livecopy.save(article, content, user, expected_version=article.version,
                  note=_("Verschlagwortung aus Vorschlägen ergänzt"))
    return added
