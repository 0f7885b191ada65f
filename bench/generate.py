"""A newsroom of realistic size for the benchmark, written straight into PostgreSQL.

By default 100,000 published articles with German-like text about municipal
digitalisation, 200 topics, 400 cities, 5,000 people with their roles, 2,000
organisations and 500 pictures with credits and renditions. Everything comes from one
seeded random generator, so the same size gives the same newsroom on every machine.

Speed comes from skipping what an editor's save does row by row: articles and their
relations go in through COPY, with slug, version, status and publication time filled
here, and the search vectors follow in one UPDATE at the end. Only pictures take the
ordinary way (Image.save()), which cleans the file and makes the renditions.

The database remembers what it holds in a comment (see `marker()`), so a second run of
the same size reuses it. `python -m bench.run --generate-only` generates and stops.
"""

import io
import json
import os
import random
import shutil
import time
import uuid
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import psycopg
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone
from PIL import Image as PillowImage
from PIL import ImageDraw
from psycopg import sql
from tqdm import tqdm

from articles import search
from articles.models import (
    Affiliation,
    Article,
    City,
    Image,
    ImageCredit,
    Organisation,
    Person,
    Placement,
    Rendition,
    Status,
    TaggedCity,
    TaggedTopic,
    Teaser,
    Topic,
)
from articles.models.images import image_upload_to, rendition_upload_to
from articles.models.people import OrganisationKind as Kind
from articles.models.tags import tag_key
from articles.slugs import german_slugify

SEED = 20250428
# Bump when the generator changes what it writes: databases of an older format are rebuilt.
FORMAT = 1

TOPICS, CITIES, PEOPLE, ORGANISATIONS = 200, 400, 5_000, 2_000
IMAGES, CREDITS, AUTHORS = 500, 40, 30
PHOTOS = 25  # distinct pictures among the IMAGES; see pictures()
IMAGE_SIZE = (960, 540)
# About as many articles a day as a busy trade portal publishes.
MINUTES_BETWEEN_ARTICLES = 40

# Vocabulary -------------------------------------------------------------------------------

# (gender, noun): m, f, n pick the article and the adjective's ending.
NOUNS = [
    ("f", "Verwaltung"), ("f", "Digitalisierung"), ("f", "Stadt"), ("f", "Gemeinde"),
    ("f", "Kommune"), ("f", "Plattform"), ("f", "Infrastruktur"), ("f", "Strategie"),
    ("f", "Lösung"), ("f", "Anwendung"), ("f", "Schnittstelle"), ("f", "Cloud"),
    ("f", "Breitbandversorgung"), ("f", "Bürgerbeteiligung"), ("f", "Datenplattform"),
    ("f", "Leitstelle"), ("f", "Ausschreibung"), ("f", "Förderung"), ("f", "Modernisierung"),
    ("f", "Vernetzung"), ("f", "Mobilität"), ("f", "Verkehrssteuerung"), ("f", "E-Akte"),
    ("f", "Sensorik"), ("f", "Stadtverwaltung"), ("f", "Kreisverwaltung"),
    ("f", "Digitalagentur"), ("f", "Registermodernisierung"), ("f", "Cybersicherheit"),
    ("f", "Datensouveränität"), ("f", "Ladeinfrastruktur"), ("f", "Bürgerbefragung"),
    ("f", "Geodateninfrastruktur"), ("f", "Straßenbeleuchtung"), ("f", "Schuldigitalisierung"),
    ("m", "Verkehr"), ("m", "Bürgerservice"), ("m", "Breitbandausbau"), ("m", "Glasfaserausbau"),
    ("m", "Stadtrat"), ("m", "Kreistag"), ("m", "Haushalt"), ("m", "Antrag"), ("m", "Prozess"),
    ("m", "Dienst"), ("m", "Standort"), ("m", "Datenschutz"), ("m", "Zwilling"),
    ("m", "Chatbot"), ("m", "Landkreis"), ("m", "Förderbescheid"), ("m", "Mobilfunk"),
    ("m", "Nahverkehr"), ("m", "Pilotversuch"), ("m", "Zugang"), ("m", "Arbeitsplatz"),
    ("m", "Sensor"), ("m", "Bauantrag"), ("m", "Wasserverband"), ("m", "Klimaschutz"),
    ("n", "Rathaus"), ("n", "Portal"), ("n", "Bürgerportal"), ("n", "Projekt"), ("n", "Netz"),
    ("n", "Konzept"), ("n", "Verfahren"), ("n", "Förderprogramm"), ("n", "Rechenzentrum"),
    ("n", "Onlinezugangsgesetz"), ("n", "Dashboard"), ("n", "Modellprojekt"), ("n", "Angebot"),
    ("n", "Ticket"), ("n", "Parkleitsystem"), ("n", "Geoportal"), ("n", "Glasfasernetz"),
    ("n", "Serviceportal"), ("n", "Ratsinformationssystem"), ("n", "Bürgerbüro"),
    ("n", "Open-Data-Portal"), ("n", "Smart-City-Konzept"), ("n", "Fachverfahren"),
]
ADJECTIVES = [
    "digital", "kommunal", "neu", "smart", "vernetzt", "offen", "sicher", "zentral", "regional",
    "interkommunal", "modern", "einheitlich", "nachhaltig", "innovativ", "automatisiert",
    "barrierefrei", "papierlos", "mobil", "flächendeckend", "gemeinsam", "öffentlich",
    "intelligent", "schnell", "landesweit",
]
# (third person singular, infinitive)
VERBS = [
    ("startet", "starten"), ("plant", "planen"), ("unterstützt", "unterstützen"),
    ("fördert", "fördern"), ("erweitert", "erweitern"), ("testet", "testen"),
    ("beschleunigt", "beschleunigen"), ("vereinfacht", "vereinfachen"),
    ("verbessert", "verbessern"), ("ermöglicht", "ermöglichen"),
    ("modernisiert", "modernisieren"), ("digitalisiert", "digitalisieren"),
    ("vernetzt", "vernetzen"), ("präsentiert", "präsentieren"), ("bündelt", "bündeln"),
    ("stärkt", "stärken"), ("entwickelt", "entwickeln"), ("erhält", "erhalten"),
    ("beschließt", "beschließen"), ("öffnet", "öffnen"), ("sichert", "sichern"),
    ("evaluiert", "evaluieren"), ("koordiniert", "koordinieren"), ("finanziert", "finanzieren"),
    ("betreibt", "betreiben"),
]
TAILS = [
    "in diesem Jahr", "bis Ende 2026", "im kommenden Frühjahr", "gemeinsam mit den Stadtwerken",
    "für Bürgerinnen und Bürger", "nach Angaben der Verwaltung", "im Rahmen des Förderprogramms",
    "mit Mitteln des Landes", "in mehreren Pilotkommunen", "schneller als geplant", "ab sofort",
    "seit dem vergangenen Herbst", "über das Serviceportal", "im gesamten Landkreis",
    "auf Beschluss des Stadtrats", "mit Unterstützung des Bundes", "für die Wirtschaft vor Ort",
    "in enger Abstimmung mit dem Datenschutz", "trotz knapper Haushaltsmittel",
]
OPENERS = [
    "Zudem", "Außerdem", "Künftig", "Bereits jetzt", "Nach Angaben der Stadt",
    "Im nächsten Schritt", "Laut Verwaltung", "Seit Jahresbeginn", "Im Herbst", "Darüber hinaus",
    "Parallel dazu",
]
MODALS = ["soll", "will", "kann", "muss"]
DEFINITE = {"m": "der", "f": "die", "n": "das"}
ACCUSATIVE = {"m": "den", "f": "die", "n": "das"}
# Endings of an adjective after the definite article (nominative, accusative) and without
# any article (nominative, accusative).
WEAK = {"m": ("e", "en"), "f": ("e", "e"), "n": ("e", "e")}
STRONG = {"m": ("er", "en"), "f": ("e", "e"), "n": ("es", "es")}

TOPIC_BASE = [
    "Smart City", "E-Government", "Onlinezugangsgesetz", "Breitband", "Glasfaser", "Mobilfunk",
    "Verkehr", "Mobilität", "Digitaler Zwilling", "Open Data", "IT-Sicherheit",
    "Cybersicherheit", "Datenschutz", "Künstliche Intelligenz", "Cloud", "Bürgerbeteiligung",
    "Schulen", "Digitale Bildung", "Gesundheit", "Energie", "Klimaschutz", "Stadtentwicklung",
    "Verwaltungsmodernisierung", "Registermodernisierung", "E-Akte", "Fachkräfte",
    "Beschaffung", "Finanzen", "Förderprogramme", "Interkommunale Zusammenarbeit", "Geodaten",
    "Sensorik", "LoRaWAN", "Parken", "ÖPNV", "Rettungsdienst", "Feuerwehr",
    "Katastrophenschutz", "Wahlen", "Tourismus", "Wirtschaftsförderung", "Einzelhandel",
    "Ländlicher Raum", "Wohnen", "Bauen", "Umwelt", "Wasser", "Abfallwirtschaft",
]
CITY_PREFIXES = [
    "Alten", "Neu", "Rosen", "Lich", "Stein", "Wald", "Berg", "Hohen", "Kirch", "Mühl", "Bach",
    "Linden", "Eichen", "Buchen", "Sommer", "Winter", "Grün", "Weiß", "Schön", "Frei", "Kron",
    "Tann", "Wolfs", "Falken", "Adler", "Bären", "Hirsch", "Ober", "Unter", "Nieder", "Frank",
    "Marien", "Ludwigs", "Friedrichs", "Karls", "Wilhelms", "Elster", "Oster",
]
CITY_SUFFIXES = [
    "burg", "berg", "heim", "hausen", "dorf", "feld", "stadt", "hagen", "au", "bach", "brück",
    "rode", "ingen", "stein", "tal", "walde", "see", "furt", "born", "kirchen",
]
STATES = ["BW", "BY", "BE", "BB", "HB", "HH", "HE", "MV", "NI", "NW", "RP", "SL", "SN", "ST",
          "SH", "TH"]
FEMALE_FIRST = [
    "Anna", "Maria", "Julia", "Laura", "Sarah", "Katharina", "Lena", "Lisa", "Johanna", "Sophie",
    "Hannah", "Lea", "Ilona", "Petra", "Sabine", "Claudia", "Andrea", "Susanne", "Monika",
    "Birgit", "Heike", "Silke", "Kerstin", "Anja", "Nicole", "Stefanie", "Christina", "Martina",
    "Ute", "Karin", "Eva", "Franziska", "Miriam", "Carolin", "Annette", "Doris", "Ines", "Jana",
    "Nadine", "Tanja",
]
MALE_FIRST = [
    "Thomas", "Michael", "Andreas", "Stefan", "Christian", "Martin", "Markus", "Frank", "Jürgen",
    "Peter", "Klaus", "Uwe", "Ralf", "Dieter", "Gerhard", "Matthias", "Alexander", "Tobias", "Jan",
    "Florian", "Sebastian", "Daniel", "Jens", "Holger", "Torsten", "Carsten", "Bernd",
    "Wolfgang", "Helmut", "Oliver", "Dirk", "Sven", "Volker", "Rainer", "Lukas", "Felix", "Jonas",
    "Philipp", "Simon", "Kai",
]
LAST_NAMES = [
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
    "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann",
    "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt",
    "Werner", "Schmitz", "Krause", "Meier", "Lehmann", "Schmid", "Schulze", "Maier", "Köhler",
    "Herrmann", "König", "Walter", "Mayer", "Huber", "Kaiser", "Fuchs", "Peters", "Lang",
    "Scholz", "Möller", "Weiß", "Jung", "Hahn", "Schubert", "Vogel", "Friedrich", "Keller",
    "Günther", "Berger", "Winkler", "Roth", "Beck", "Lorenz", "Baumann", "Franke", "Albrecht",
    "Schuster", "Ludwig", "Böhm", "Kraus", "Schumacher", "Krämer", "Vogt", "Jäger", "Otto",
    "Groß", "Seidel", "Heinrich", "Brandt", "Haas", "Schreiber", "Graf", "Schulte", "Dietrich",
    "Ziegler", "Kuhn", "Pohl", "Engel", "Horn", "Busch", "Bergmann", "Voigt", "Sauer", "Arnold",
    "Pfeiffer", "Benz", "Verlage", "Rombach", "Steinebach", "Weichel", "Lindner", "Brenner",
    "Eckert", "Hauser", "Kessler", "Reuter", "Sauter", "Ullrich", "Vollmer", "Wendt",
]
# (female, male)
ROLES = [
    ("Oberbürgermeisterin", "Oberbürgermeister"), ("Bürgermeisterin", "Bürgermeister"),
    ("Landrätin", "Landrat"), ("Chief Digital Officer", "Chief Digital Officer"),
    ("Digitalisierungsbeauftragte", "Digitalisierungsbeauftragter"),
    ("Amtsleiterin", "Amtsleiter"), ("Geschäftsführerin", "Geschäftsführer"),
    ("Projektleiterin", "Projektleiter"), ("IT-Leiterin", "IT-Leiter"),
    ("Dezernentin", "Dezernent"), ("Referentin", "Referent"),
    ("Vorstandsvorsitzende", "Vorstandsvorsitzender"), ("Pressesprecherin", "Pressesprecher"),
]
AGENCIES = ["dpa", "Pressestelle", "Stadtverwaltung", "picture alliance", "Adobe Stock", ""]


def capitalise(text):
    return text[:1].upper() + text[1:]


# Text -------------------------------------------------------------------------------------


class Writer:
    """German-like text about municipal digitalisation.

    Bodies draw on a pool of pre-built sentences, which keeps 100,000 articles fast to
    write; the lead, the teaser and the headline name the article's own city and person.
    """

    def __init__(self, rng, pool_size=20_000):
        self.rng = rng
        self.pool = [self.sentence() for _ in range(pool_size)]

    def noun_phrase(self, case, definite=True):
        """ "die digitale Verwaltung" (case 0: nominative, 1: accusative)."""
        gender, noun = self.rng.choice(NOUNS)
        article = (DEFINITE if case == 0 else ACCUSATIVE)[gender] if definite else ""
        endings = WEAK if definite else STRONG
        words = [article] if article else []
        if self.rng.random() < 0.7 or not definite:
            words.append(self.rng.choice(ADJECTIVES) + endings[gender][case])
        words.append(noun)
        return " ".join(words)

    def sentence(self, subject=None):
        rng = self.rng
        subject = subject or self.noun_phrase(0)
        verb, infinitive = rng.choice(VERBS)
        obj = self.noun_phrase(1)
        tail = f" {rng.choice(TAILS)}" if rng.random() < 0.7 else ""
        form = rng.random()
        if form < 0.3:
            return f"{rng.choice(OPENERS)} {verb} {subject} {obj}{tail}."
        if form < 0.5:
            return f"{capitalise(subject)} {rng.choice(MODALS)}{tail} {obj} {infinitive}."
        return f"{capitalise(subject)} {verb} {obj}{tail}."

    def headline(self, place):
        rng = self.rng
        if rng.random() < 0.5:
            return f"{place} {rng.choice(VERBS)[0]} {self.noun_phrase(1, definite=False)}"
        return f"{capitalise(self.noun_phrase(0, definite=False))} für {place}"

    def teaser(self, place):
        """200 to 300 characters of plain text."""
        text = self.sentence(subject=place)
        while len(text) < 200:
            text += " " + self.rng.choice(self.pool)
        if len(text) > 300:
            text = text[:298].rsplit(" ", 1)[0].rstrip(",.") + " …"
        return text

    def body(self, place, person):
        """3 to 6 KB of paragraphs, with a quote from `person` and a subheading or two."""
        rng = self.rng
        target = rng.randint(2_800, 5_400)  # the last paragraph adds up to ~600 more
        quote = rng.choice(self.pool)[:-1]
        parts = [
            f"<p>{self.sentence(subject=place)} {rng.choice(self.pool)} "
            f"„{quote}“, sagt {person}.</p>"
        ]
        size = len(parts[0])
        while size < target:
            if len(parts) % 4 == 3:
                part = f"<h2>{capitalise(self.noun_phrase(0, definite=False))}</h2>"
            else:
                part = f"<p>{' '.join(rng.choices(self.pool, k=rng.randint(3, 6)))}</p>"
            parts.append(part)
            size += len(part)
        return "".join(parts)

    def article(self, place, person, kicker):
        """The text fields of one article about `place`, quoting `person`."""
        return {
            "kicker": kicker,
            "headline": self.headline(place),
            "teaser": self.teaser(place),
            "body": self.body(place, person),
        }


# Names ------------------------------------------------------------------------------------


def city_names(rng, count):
    names = [p + s for p in CITY_PREFIXES for s in CITY_SUFFIXES]
    rng.shuffle(names)
    return [f"Bad {name}" if rng.random() < 0.08 else name for name in names[:count]]


def topic_names(rng, count):
    names = list(TOPIC_BASE)
    seen = {name.casefold() for name in names}
    while len(names) < count:
        gender, noun = rng.choice(NOUNS)
        name = f"{capitalise(rng.choice(ADJECTIVES) + STRONG[gender][0])} {noun}"
        if name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return names[:count]


def person_names(rng, count):
    """(name, female) pairs, all different."""
    people = [(f"{first} {last}", True) for first in FEMALE_FIRST for last in LAST_NAMES]
    people += [(f"{first} {last}", False) for first in MALE_FIRST for last in LAST_NAMES]
    return rng.sample(people, count)


def unique_slugs(names):
    """German slugs of `names`, numbered where two would be the same."""
    seen, slugs = set(), []
    for name in names:
        base = german_slugify(name, max_length=190) or "eintrag"
        slug, n = base, 2
        while slug in seen:
            slug, n = f"{base}-{n}", n + 1
        seen.add(slug)
        slugs.append(slug)
    return slugs


def skewed(rng, items):
    """A picker that favours the first items, as a few cities and topics lead the news."""
    weights, total = [], 0.0
    for rank in range(len(items)):
        total += 1 / (rank + 10)
        weights.append(total)

    def pick(low, high):
        chosen = rng.choices(items, cum_weights=weights, k=rng.randint(low, high))
        return list(dict.fromkeys(chosen))

    return pick


# Pictures ---------------------------------------------------------------------------------


def photo(rng):
    """A JPEG of a small town skyline at some time of day: real pixels, a few KB."""
    width, height = IMAGE_SIZE
    sky = tuple(rng.randint(60, 200) for _ in range(3))
    dusk = tuple(min(255, c + rng.randint(20, 60)) for c in sky)
    gradient = PillowImage.linear_gradient("L").resize((width, height))
    picture = PillowImage.composite(
        PillowImage.new("RGB", (width, height), dusk),
        PillowImage.new("RGB", (width, height), sky),
        gradient,
    )
    draw = ImageDraw.Draw(picture)
    x = 0
    while x < width:
        w, h = rng.randint(40, 120), rng.randint(80, 360)
        colour = tuple(rng.randint(30, 110) for _ in range(3))
        draw.rectangle([x, height - h, x + w, height], fill=colour)
        for wy in range(height - h + 12, height - 12, 24):
            for wx in range(x + 8, x + w - 12, 18):
                if rng.random() < 0.5:
                    draw.rectangle([wx, wy, wx + 8, wy + 10], fill=(240, 220, 140))
        x += w + rng.randint(0, 20)
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=85)
    return out.getvalue()


def pictures(rng, credits):
    """IMAGES pictures with their renditions.

    PHOTOS of them go the editors' way: Image.save() cleans the file and makes the
    renditions (articles/images.py). The rest are copies of those, made a hundred times
    faster: rows in bulk and hard links to the files, the very state saving would leave.
    """

    def fields(n):
        return {
            "title": f"Stadtansicht {n + 1}",
            "caption": f"Blick über die Dächer (Archivbild {n + 1}).",
            "alt_text": "Häuserzeile einer Kleinstadt vor dem Abendhimmel",
            "credit": rng.choice(credits),
        }

    originals = [
        Image.objects.create(
            file=ContentFile(photo(rng), name="foto.jpg"), focal_x=round(rng.random(), 2),
            focal_y=round(rng.random(), 2), **fields(n),
        )
        for n in tqdm(range(PHOTOS), unit="img", mininterval=1)
    ]
    storage = Image._meta.get_field("file").storage
    copies = []
    for n in range(PHOTOS, IMAGES):
        original = originals[n % PHOTOS]
        name = image_upload_to(None, "foto.jpg")
        _link(storage, original.file.name, name)
        copies.append(
            Image(file=name, width=original.width, height=original.height,
                  focal_x=original.focal_x, focal_y=original.focal_y, **fields(n))
        )
    copies = Image.objects.bulk_create(copies)
    renditions = {image.pk: list(image.renditions.all()) for image in originals}
    copied = []
    for n, image in enumerate(copies):
        for rendition in renditions[originals[n % PHOTOS].pk]:
            name = rendition_upload_to(Rendition(image=image), Path(rendition.file.name).name)
            _link(storage, rendition.file.name, name)
            copied.append(
                Rendition(image=image, spec=rendition.spec, format=rendition.format, file=name,
                          width=rendition.width, height=rendition.height)
            )
    Rendition.objects.bulk_create(copied, batch_size=2_000)
    return originals + copies


def _link(storage, source, name):
    target = Path(storage.path(name))
    target.parent.mkdir(parents=True, exist_ok=True)
    os.link(storage.path(source), target)


# The database -----------------------------------------------------------------------------


def marker():
    """What the database holds, from its comment: {"articles": N, ...} or None."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
            "WHERE datname = current_database()"
        )
        comment = cursor.fetchone()[0]
    try:
        found = json.loads(comment or "")
    except ValueError:
        return None
    return found if isinstance(found, dict) and found.get("generator") == "newsroom-bench" else None


def _set_marker(articles, complete):
    """Set before generating (so a broken-off generation is known as the benchmark's own,
    and rebuilt) and again when done."""
    comment = json.dumps({
        "generator": "newsroom-bench", "format": FORMAT, "seed": SEED, "articles": articles,
        "complete": complete,
    })
    name = connection.ops.quote_name(connection.settings_dict["NAME"])
    with connection.cursor() as cursor:
        cursor.execute(f"COMMENT ON DATABASE {name} IS %s", [comment])


def is_current(articles):
    found = marker()
    return bool(
        found
        and found.get("complete")
        and found.get("format") == FORMAT
        and found.get("articles") == articles
    )


def copy_rows(model, fields, rows):
    """COPY `rows` (tuples in the order of `fields`) into `model`'s table."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    statement = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


@contextmanager
def step(label, timings):
    print(f"  {label} ...", flush=True)
    start = time.perf_counter()
    yield
    timings[label] = round(time.perf_counter() - start, 1)
    print(f"  {label}: {timings[label]} s", flush=True)


def generate(articles):
    """Fill the (empty, migrated) database; return the seconds each step took."""
    _set_marker(articles, complete=False)
    rng = random.Random(SEED)
    timings = {}

    with step("pictures and renditions", timings):
        credit_people = person_names(rng, CREDITS)
        credits = ImageCredit.objects.bulk_create(
            ImageCredit(creator=name, rights_holder=rng.choice(AGENCIES))
            for name, _female in credit_people
        )
        images = pictures(rng, credits)

    with step("topics, cities, people, organisations", timings):
        topics, cities, people, organisations, authors = subjects(rng, images)

    writer = Writer(rng)
    pick_topics, pick_cities = skewed(rng, topics), skewed(rng, cities)
    pick_people, pick_organisations = skewed(rng, people), skewed(rng, organisations)
    relations = {name: [] for name in ("topics", "cities", "people", "organisations",
                                       "authors", "related")}
    now = timezone.now()
    fields = ["id", "kicker", "headline", "slug", "teaser", "body", "status", "published_at",
              "created_at", "updated_at", "lead_image", "version", "preview_key", "corrections",
              "trashed_from"]

    def rows():
        """Oldest first: article N is the newest."""
        for pk in tqdm(range(1, articles + 1), unit="art", mininterval=1):
            article_topics, article_cities = pick_topics(1, 4), pick_cities(1, 2)
            article_people = pick_people(0, 3)
            relations["topics"] += [(t.pk, pk) for t in article_topics]
            relations["cities"] += [(c.pk, pk) for c in article_cities]
            relations["people"] += [(pk, p.pk) for p in article_people]
            relations["organisations"] += [(pk, o.pk) for o in pick_organisations(0, 2)]
            relations["authors"] += [(pk, a.pk) for a in rng.sample(authors, rng.randint(1, 2))]
            if pk > 10 and rng.random() < 0.1:
                relations["related"] += [(pk, rng.randint(1, pk - 1))]
            place = article_cities[0].name
            person = article_people[0].name if article_people else rng.choice(people).name
            kicker = place if rng.random() < 0.6 else article_topics[0].name
            text = writer.article(place, person, kicker)
            published = now - timedelta(
                minutes=(articles - pk) * MINUTES_BETWEEN_ARTICLES + rng.randint(1, 30)
            )
            slug = f"{german_slugify(text['headline'], max_length=180)}-{pk}"
            lead = rng.choice(images).pk if rng.random() < 0.85 else None
            yield (
                pk, text["kicker"], text["headline"], slug, text["teaser"], text["body"],
                Status.PUBLISHED, published, published, published, lead, 1, uuid.uuid4(),
                "[]", "",
            )

    with step(f"{articles:,} articles (COPY)", timings), transaction.atomic():
        copy_rows(Article, fields, rows())
        copy_rows(TaggedTopic, ["tag", "content_object"], relations["topics"])
        copy_rows(TaggedCity, ["tag", "content_object"], relations["cities"])
        copy_rows(Article.people.through, ["article", "person"], relations["people"])
        copy_rows(
            Article.organisations.through, ["article", "organisation"],
            relations["organisations"],
        )
        copy_rows(Article.authors.through, ["article", "user"], relations["authors"])
        copy_rows(Article.related.through, ["from_article", "to_article"], relations["related"])
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), [Article]):
                cursor.execute(statement)
        newest = list(
            Article.objects.filter(lead_image__isnull=False).order_by("-published_at")[:16]
        )
        Teaser.objects.bulk_create(
            # A pinned lead story needs an end; a year outlasts any benchmark.
            Teaser(placement=Placement.LEAD if n == 0 else Placement.MORE, position=n,
                   article=article,
                   active_until=timezone.now() + timedelta(days=365) if n == 0 else None)
            for n, article in enumerate(newest)
        )

    with step("search vectors (one UPDATE)", timings):
        search.index(Article.objects.all())
    with step("VACUUM ANALYZE", timings), connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    _set_marker(articles, complete=True)
    return timings


def subjects(rng, images):
    """Topics, cities, people (with their roles), organisations and authors."""
    names = topic_names(rng, TOPICS)
    topics = Topic.objects.bulk_create(
        Topic(name=name, slug=slug, name_key=tag_key(name))
        for name, slug in zip(names, unique_slugs(names), strict=True)
    )
    names = city_names(rng, CITIES)
    cities = City.objects.bulk_create(
        City(name=name, slug=slug, name_key=tag_key(name), state=rng.choice(STATES))
        for name, slug in zip(names, unique_slugs(names), strict=True)
    )
    organisations = _organisations(rng, cities)
    organisations = Organisation.objects.bulk_create(
        Organisation(name=name, slug=slug, kind=kind, city=city)
        for (name, kind, city), slug in zip(
            organisations, unique_slugs(o[0] for o in organisations), strict=True
        )
    )
    people, roles = [], []
    named = person_names(rng, PEOPLE)
    for (name, female), slug in zip(named, unique_slugs(n for n, _ in named), strict=True):
        organisation = rng.choice(organisations)
        role = rng.choice(ROLES)[0 if female else 1]
        people.append(
            Person(
                name=name, slug=slug, description=f"{role}, {organisation.name}",
                portrait=rng.choice(images) if rng.random() < 0.2 else None,
            )
        )
        roles.append((role, organisation))
    people = Person.objects.bulk_create(people)
    affiliations = []
    for person, (role, organisation) in zip(people, roles, strict=True):
        start = date(2010, 1, 1) + timedelta(days=rng.randint(0, 5000))
        affiliations.append(
            Affiliation(person=person, organisation=organisation, role=role, start_date=start)
        )
        if rng.random() < 0.4:  # and an earlier role, ended
            earlier = start - timedelta(days=rng.randint(400, 3000))
            affiliations.append(
                Affiliation(
                    person=person, organisation=rng.choice(organisations), role=role,
                    start_date=earlier, end_date=start - timedelta(days=1),
                )
            )
    Affiliation.objects.bulk_create(affiliations, batch_size=2_000)
    authors = User.objects.bulk_create(
        User(
            username=f"autor{n:02d}", first_name=name.split()[0], last_name=name.split()[1],
            password=make_password(None), is_staff=True,
        )
        for n, (name, _female) in enumerate(person_names(rng, AUTHORS), 1)
    )
    return topics, cities, people, organisations, authors


def _organisations(rng, cities):
    """(name, kind, city) of ORGANISATIONS different organisations."""
    patterns = [
        ("Stadt {city}", Kind.MUNICIPALITY, True),
        ("Stadtwerke {city}", Kind.MUNICIPAL_COMPANY, True),
        ("Landkreis {city}", Kind.MUNICIPALITY, True),
        ("{city} digital GmbH", Kind.MUNICIPAL_COMPANY, True),
        ("Wirtschaftsförderung {city}", Kind.MUNICIPAL_COMPANY, True),
        ("Zweckverband {noun} {city}", Kind.ASSOCIATION, True),
        ("{last} IT-Services GmbH", Kind.COMPANY, False),
        ("{last} & {last2} Beratung", Kind.COMPANY, False),
        ("Institut für {noun}", Kind.RESEARCH, False),
        ("{noun} Aktuell", Kind.MEDIA, False),
    ]
    found = {}
    while len(found) < ORGANISATIONS:
        pattern, kind, local = rng.choice(patterns)
        city = rng.choice(cities)
        name = pattern.format(
            city=city.name, noun=rng.choice(NOUNS)[1], last=rng.choice(LAST_NAMES),
            last2=rng.choice(LAST_NAMES),
        )
        found.setdefault(name, (name, kind, city if local else None))
    return list(found.values())


def ensure(articles, *, fresh=False):
    """Make the configured database hold the benchmark newsroom of `articles` articles.

    Returns the seconds each generation step took, or None when the database already held
    it. Creates the database when it is missing and rebuilds it when it holds another
    size (or with `fresh`); refuses to touch one with articles that it did not write.
    """
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        raise SystemExit("The benchmark needs PostgreSQL; BENCH_DATABASE_URL names another kind.")
    exists = _maintenance(database, "SELECT 1 FROM pg_database WHERE datname = %s",
                          [database["NAME"]])
    # The pictures belong to the database: a checkout without them (a fresh clone, say)
    # rebuilds both rather than serve pages whose images are missing.
    current = exists and not fresh and is_current(articles)
    if current and os.path.isdir(settings.MEDIA_ROOT):
        print(f"Database {database['NAME']} already holds {articles:,} articles: reusing it.")
        call_command("migrate", verbosity=0)  # for migrations added since it was generated
        return None
    if current:
        print(f"Database {database['NAME']} has no pictures in {settings.MEDIA_ROOT}: rebuilding.")
    if exists:
        _refuse_foreign(database)
        print(f"Dropping database {database['NAME']} to rebuild it ...")
        connection.close()
        _maintenance(database, sql.SQL("DROP DATABASE {} WITH (FORCE)"), name=True)
    _maintenance(database, sql.SQL("CREATE DATABASE {}"), name=True)
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
    print(f"Generating {articles:,} articles in {database['NAME']} (seed {SEED}) ...")
    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    timings = generate(articles)
    timings["total"] = round(time.perf_counter() - start, 1)
    print(f"Generated in {timings['total']} s.")
    return timings


def _refuse_foreign(database):
    """Never drop a database with articles the benchmark did not write."""
    if marker() is not None:
        return
    with connection.cursor() as cursor:
        if "articles_article" not in connection.introspection.table_names(cursor):
            return
        cursor.execute("SELECT EXISTS (SELECT 1 FROM articles_article)")
        if cursor.fetchone()[0]:
            raise SystemExit(
                f"Database {database['NAME']} holds articles the benchmark did not generate; "
                "refusing to drop it. Point BENCH_DATABASE_URL at another database."
            )


def _maintenance(database, statement, params=None, *, name=False):
    """Run `statement` on the server's `postgres` database, to look for, create or drop
    ours (`name`: fill in our database's name); returns its first row, if any."""
    if name:
        statement = statement.format(sql.Identifier(database["NAME"]))
    try:
        with psycopg.connect(
            dbname="postgres", host=database["HOST"] or None, port=database["PORT"] or None,
            user=database["USER"] or None, password=database["PASSWORD"] or None,
            autocommit=True, connect_timeout=5,
        ) as conn:
            cursor = conn.execute(statement, params)
            return cursor.fetchone() if cursor.description else None
    except psycopg.OperationalError as error:
        raise SystemExit(unreachable(database, error)) from error


def unreachable(database, error):
    where = f"{database['HOST'] or 'localhost'}:{database['PORT'] or 5432}"
    return (
        f"PostgreSQL is unreachable at {where} as user {database['USER'] or '(default)'}: "
        f"{str(error).strip()}\nStart it (e.g. `pg_ctlcluster <version> main start`) or set "
        "BENCH_DATABASE_URL=postgres://USER:PASSWORD@HOST:PORT/DATABASE."
    )
