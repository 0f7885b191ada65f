"""The demo newsroom: the content of the seed page, and the code that loads it.

The first half of this module is data only: the article the seed page shows, the fifteen
teasers below it, and the people, organisations, cities and topics they mention, all
as the page gives them. The second half loads that data into the database (`load()`)
and sets up two demo logins (`create_users()`). Loading twice changes nothing: every
row is looked up by its natural key (slug, name, creator) before it is written.

The demo articles have no authors: the seed page prints no byline, so the article page
shows none either.
"""

import csv
import os
import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.html import format_html
from django.utils.translation import gettext as _
from PIL import Image as PILImage
from PIL import ImageChops, ImageDraw, ImageFont, ImageOps

from articles.models import (
    Affiliation,
    Article,
    City,
    Image,
    ImageCredit,
    LegalPageKind,
    NavigationItem,
    Organisation,
    Person,
    Placement,
    Status,
    Teaser,
    Topic,
)
from articles.models.people import OrganisationKind as Kind
from articles.models.tags import PlaceKind, tag_key
from articles.public import legal
from articles.slugs import german_slugify
from articles.vocabulary import places

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(year, month, day, hour=9):
    return datetime(year, month, day, hour, tzinfo=BERLIN)


# The data ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Story:
    kicker: str
    headline: str
    published_at: datetime
    teaser: str
    # The full text, one string per paragraph; empty when the seed has only the teaser.
    paragraphs: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    related: tuple[str, ...] = ()  # headlines of stories an editor linked by hand


@dataclass(frozen=True)
class Org:
    name: str
    kind: Kind
    city: str = ""
    parent: str = ""


@dataclass(frozen=True)
class Role:
    organisation: str
    role: str
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True)
class Someone:
    name: str
    description: str
    roles: tuple[Role, ...]


@dataclass(frozen=True)
class Placeholder:
    """The lead picture: the seed's photo is not ours, so a generated stand-in carries
    the seed's caption. Its credit says whose photo it stands in for: crediting the
    photographer with our gradient would pass it off as their work."""

    title: str
    alt_text: str
    caption: str
    creator: str
    licence: str


# The places the seed names, with their official keys, kinds, Kreise and Länder as checked
# one by one against public references (../shared/data/places/): never guessed.
DEMO_PLACES = Path(__file__).parent / "data" / "demo-places.tsv"
# Where the seed calls a place otherwise than the register does, the seed's name stays
# and the register's becomes another name.
SEED_NAMES = {"Menden (Sauerland)": "Menden"}
PLACE_KINDS = {
    "Gemeinde": PlaceKind.MUNICIPALITY, "Stadt": PlaceKind.TOWN,
    "kreisfreie Stadt": PlaceKind.INDEPENDENT_TOWN, "Landkreis": PlaceKind.DISTRICT,
    "Stadtstaat (Land)": PlaceKind.CITY_STATE,
}

# Parents come before their children.
ORGANISATIONS = (
    Org("Stadt Kaiserslautern", Kind.MUNICIPALITY, city="Kaiserslautern"),
    # The city is the company's sole shareholder ("alleinige Gesellschafterin").
    Org(
        "KL.digital", Kind.MUNICIPAL_COMPANY, city="Kaiserslautern", parent="Stadt Kaiserslautern"
    ),
    Org("Gemeindetag Baden-Württemberg", Kind.ASSOCIATION),
    Org("Bitkom", Kind.ASSOCIATION),
    Org("Bearing Point", Kind.COMPANY),
    Org("Cisco", Kind.COMPANY),
    Org("Fachzeitschrift „Kommunal“", Kind.MEDIA),
    Org("Bundesprogramm Modellprojekte Smart Cities", Kind.GOVERNMENT),
    Org("Mobilitätsnetzwerk Ortenau", Kind.OTHER, city="Ortenaukreis"),
    Org("endura kommunal", Kind.COMPANY),
    Org("Fraunhofer FOKUS", Kind.RESEARCH, city="Berlin"),
)

# Roles and dates only as far as the text states them.
PEOPLE = (
    Someone(
        "Ilona Benz",
        "Geschäftsführerin der KL.digital seit 1. Februar 2022. Hat die Stabsstelle "
        "Digitalisierung beim Gemeindetag Baden-Württemberg aufgebaut und seit 2018 geleitet; "
        "bundesweit Dozentin für Verwaltungsmitarbeitende.",
        (
            Role("KL.digital", "Geschäftsführerin", start=date(2022, 2, 1)),
            # No start date: the text gives only the year ("seit 2018", kept in the
            # description), and any day in 2018 would print as a fact the text lacks.
            Role(
                "Gemeindetag Baden-Württemberg",
                "Leiterin der Stabsstelle Digitalisierung",
                end=date(2022, 1, 31),
            ),
            Role("Fachzeitschrift „Kommunal“", "Kolumnistin"),
        ),
    ),
    Someone(
        "Martin Verlage",
        "Geschäftsführer der KL.digital bis Ende 2021; er verlängerte seinen Vertrag nicht "
        "über das Jahresende hinaus.",
        (Role("KL.digital", "Geschäftsführer", end=date(2021, 12, 31)),),
    ),
    Someone(
        "Dieter Rombach",
        "Emeritierter Professor und ehrenamtlicher Chief Digital Officer (CDO) der Stadt "
        "Kaiserslautern.",
        (Role("Stadt Kaiserslautern", "Chief Digital Officer (CDO)"),),
    ),
    Someone(
        "Gerhard Steinebach",
        "Emeritierter Professor und ehrenamtlicher Chief Urban Officer der Stadt "
        "Kaiserslautern.",
        (Role("Stadt Kaiserslautern", "Chief Urban Officer"),),
    ),
    Someone(
        "Klaus Weichel",
        "Oberbürgermeister der Stadt Kaiserslautern.",
        (Role("Stadt Kaiserslautern", "Oberbürgermeister"),),
    ),
    Someone(
        "Sarah Berberich",
        "Geschäftsführerin des Beratungsunternehmens endura kommunal.",
        (Role("endura kommunal", "Geschäftsführerin"),),
    ),
)

# The seed page carries no date for its article. Its text was written in December 2021:
# Martin Verlage leaves at the end of the year, Ilona Benz starts on 1 February 2022.
MAIN_PUBLISHED_AT = berlin(2021, 12, 16, 10)

MAIN_STORY = Story(
    kicker="Kaiserslautern",
    headline="KL.digital bekommt neue Geschäftsleitung",
    published_at=MAIN_PUBLISHED_AT,
    teaser=(
        "Ilona Benz wird neue Geschäftsführerin der KL.digital, der Gesellschaft für die "
        "urbane Entwicklung der Stadt Kaiserslautern. Zum 1. Februar 2022 wechselt die "
        "Leiterin der Stabsstelle Digitalisierung beim Gemeindetag Baden-Württemberg dorthin "
        "und folgt auf Martin Verlage."
    ),
    paragraphs=(
        (
            "Die neue Geschäftsführerin der KL.digital, Gesellschaft zur Planung, Projektierung, "
            "Umsetzung und Verstetigung von Maßnahmen zur urbanen Entwicklung der Stadt "
            "Kaiserslautern, heißt Ilona Benz. Die derzeitige Leiterin der Stabsstelle "
            "Digitalisierung beim Gemeindetag Baden-Württemberg wird zum 1. Februar 2022 zur "
            "KL.digital wechseln, um dort die Nachfolge von Martin Verlage anzutreten, der "
            "seinen Vertrag über das Jahresende hinaus nicht verlängern wird. Wie die Stadt, "
            "alleinige Gesellschafterin der KL.digital, berichtet, hat sich deren neue "
            "Geschäftsführerin bereits offiziell bei einem Pressetermin vorgestellt."
        ),
        (
            "„Ich freue mich auf die verantwortungsvolle und wichtige Aufgabe und möchte meinen "
            "Beitrag leisten, Kaiserslautern auf seinem herzlich digitalen Weg zu begleiten“, "
            "so Benz mit Anspielung auf das Motto der Digitalisierungs-Modellstadt. Nach deren "
            "Auskunft ist die 31-Jährige neben ihrer auslaufenden Tätigkeit beim Gemeindetag "
            "Baden-Württemberg, dessen Stabsstelle Digitalisierung sie selbst aufgebaut und "
            "seit 2018 geleitet habe, bundesweit als Dozentin für Verwaltungsmitarbeitende "
            "tätig. Aktuell promoviere Benz, zugleich Jurymitglied im renommierten "
            "E-Government-Fachwettbewerb von Bearing Point/Cisco und Kolumnistin für die "
            "Fachzeitschrift „Kommunal“, in Friedrichshafen zum Thema Smart City."
        ),
        (
            "Die kommenden Aufgabenfelder der neuen Geschäftsführerin hätten Kaiserlauterns "
            "Chief Digital Officer (CDO), Professor Dieter Rombach, und Oberbürgermeister Klaus "
            "Weichel anlässlich des Vorstellungstermins skizziert. Laut Rombach habe sich "
            "Kaiserslautern in den vergangenen vier Jahren bundesweit einen hervorragenden "
            "Namen als kommunaler Vorreiter in Digitalisierungsthemen gemacht, viele Projekte "
            "habe man bereits umsetzen können. Die bisherigen Projektergebnisse müssten nun "
            "verstetigt werden, zugleich müsse die Grundlage für die künftige Entwicklung der "
            "Stadt geschaffen werden."
        ),
        (
            "Ein wichtiger Schwerpunkt dabei ist die nachhaltige Verankerung der "
            "Digitalisierungsstrukturen in der Verwaltung, führt man bei der Stadt hierzu aus. "
            "So soll innerhalb der Verwaltung ein Referat „Digitalisierung und Innovation“ "
            "entstehen, ebenso ein Digitalisierungsausschuss des Stadtrats. Auch sollen die "
            "bislang von den emeritierten Professoren Dieter Rombach und Gerhard Steinebach "
            "ehrenamtlich geführten Stellen des CDO und Chief Urban Officers alsbald im "
            "Haushaltsplan der KL.digital verankert und in Vollzeit von zwei neuen Kräften "
            "besetzt werden."
        ),
        # The seed's last sentence has no full stop; kept as published.
        (
            "Bei dem Pressetermin habe Rombach seinerseits für agilere Projektstrukturen "
            "innerhalb der Verwaltung geworben, bei denen man unbedingt die Mitarbeiterinnen und "
            "Mitarbeiter einbeziehen müsse. Als zweiten Schwerpunkt habe der ehrenamtliche CDO "
            "die stärkere Einbeziehung der Stadtgesellschaft in die Entwicklung der Digitalen "
            "Stadt genannt. Es seien aktivere Programme und aktivere Partizipation vonnöten, um "
            "den Spirit der Zeit des Bitkom-Wettbewerbs wieder zu erreichen. Während man in der "
            "ersten Phase Projekte für die Stadt gemacht habe, müsse man nun die "
            "Erfolgsgeschichte mit der Stadt weiterführen. Die digitale Transformation müsse in "
            "der Mitte der Gesellschaft ankommen. Wie Oberbürgermeister Weichel zeigte sich laut "
            "Stadt auch Rombach voll überzeugt, dafür mit Ilona Benz die richtige Person "
            "gefunden zu haben"
        ),
    ),
    cities=("Kaiserslautern",),
    topics=("Smart City", "Personalien", "Digitale Verwaltung"),
    people=(
        "Ilona Benz",
        "Martin Verlage",
        "Dieter Rombach",
        "Gerhard Steinebach",
        "Klaus Weichel",
    ),
    organisations=(
        "KL.digital",
        "Stadt Kaiserslautern",
        "Gemeindetag Baden-Württemberg",
        "Bitkom",
        "Bearing Point",
        "Cisco",
        "Fachzeitschrift „Kommunal“",
    ),
    related=("KIMONO sorgt für Neustart",),
)

LEAD_IMAGE = Placeholder(
    title="Platzhalter: KL.digital bekommt neue Geschäftsleitung",
    alt_text=(
        "Platzhalter statt eines Fotos: ein blaugrüner Farbverlauf mit der Aufschrift "
        "„Platzhalterbild“ und „Symbolbild – Platzhalter“."
    ),
    caption="Die neue Geschäftsführerin der KL.digital, Ilona Benz.",
    creator="Platzhalterbild für ein Foto von Thomas Kierok",
    licence="Platzhalter der Demo, frei verwendbar",
)

# The teasers below the article, newest first as on the page. Two pairs share a day;
# their hours keep the page's order.
SEED_TEASERS = (
    Story(
        kicker="Lübeck",
        headline="VIAA setzt neue Maßstäbe",
        published_at=berlin(2025, 4, 28),
        teaser=(
            "Die Stadt Lübeck beschreitet mit ihrem vom Bund geförderten Verkehrsprojekt neue "
            "Wege. Die Kombination aus moderner Technologie, datenbasierter Analyse und "
            "praxisnahen Testfeldern ermöglicht eine flexible, nachhaltige und zukunftssichere "
            "Verkehrssteuerung."
        ),
        cities=("Lübeck",),
        topics=("Verkehr", "Förderung"),
    ),
    Story(
        kicker="Jena",
        headline="Smarter und vernetzter",
        published_at=berlin(2025, 4, 25),
        teaser=(
            "Im Rahmen des Smart-City-Projekts der Stadt Jena sind bereits zahlreiche innovative "
            "Lösungen für aktuelle Herausforderungen entwickelt worden – vom Umweltschutz über "
            "digitale Teilhabe bis hin zu Gesundheitsversorgung und Mobilität."
        ),
        cities=("Jena",),
        topics=("Smart City", "Umwelt", "Mobilität"),
    ),
    Story(
        kicker="Regensburg",
        headline="Verbessertes Verkehrsmanagement",
        published_at=berlin(2025, 4, 24),
        teaser=(
            "Mit einem umfassend modernisierten Verkehrsmanagementsystem arbeitet jetzt die Stadt "
            "Regensburg. Herzstück ist der erneuerte zentrale Verkehrsrechner. Auch wurden "
            "Ampelanlagen modernisiert, Umweltsensoren installiert und ein digitales "
            "Qualitätsmanagement eingerichtet."
        ),
        cities=("Regensburg",),
        topics=("Verkehr", "Umwelt"),
    ),
    Story(
        kicker="Menden",
        headline="Digitaler Zwilling veröffentlicht",
        published_at=berlin(2025, 4, 23),
        teaser=(
            "Einen Digitalen Zwilling der Stadt bietet jetzt die Smart City Menden an. Die neue "
            "Onlineplattform zeigt lokale Umwelt- und Klimadaten in Echtzeit an und bietet damit "
            "praktische Funktionen für den Alltag – vom Hochwasserschutz mithilfe von "
            "Live-Pegeldaten bis hin zum digitalen Besuch eines 3D-Stadtmodells."
        ),
        cities=("Menden",),
        topics=("Smart City", "Digitaler Zwilling", "Umwelt"),
    ),
    Story(
        kicker="Duisburg",
        headline="Smart City sucht Bürgerideen",
        published_at=berlin(2025, 4, 17),
        teaser=(
            "Ihren Smart-City-Masterplan will die Stadt Duisburg gemeinsam mit den Bürgerinnen "
            "und Bürgern weiterentwickeln. Noch bis Ende Mai können diese ihre Ideen online "
            "einbringen. Die Stadt will alle Vorschläge sichten, bewerten und, sofern möglich, in "
            "den neuen Masterplan einbringen."
        ),
        cities=("Duisburg",),
        topics=("Smart City", "Bürgerbeteiligung"),
    ),
    Story(
        kicker="Stuttgart",
        headline="Smart-City-Masterplan in Arbeit",
        published_at=berlin(2025, 4, 16),
        teaser=(
            "Unter Beteiligung der Stadtgesellschaft erarbeitet Stuttgart einen umfassenden "
            "Smart-City-Masterplan. In Workshops diskutieren Vertreterinnen und Vertreter aus "
            "Gesellschaft, Wirtschaft und Wissenschaft entsprechende Ideen und Projekte. Online "
            "können außerdem Vorhaben bewertet und kommentiert werden."
        ),
        cities=("Stuttgart",),
        topics=("Smart City", "Bürgerbeteiligung"),
    ),
    Story(
        kicker="Leipzig / Landau in der Pfalz",
        headline="Modellstädte für KI-gestützte Verkehrssteuerung",
        published_at=berlin(2025, 4, 15),
        teaser=(
            "Die Städte Leipzig und Landau in der Pfalz werden als Pilotregionen im "
            "Forschungsprojekt AIAMO (Artificial Intelligence And MObility) an der KI-gestützten "
            "Verkehrssteuerung arbeiten. Die Ergebnisse sollen auf kleine und mittlere Kommunen "
            "übertragbar sein."
        ),
        cities=("Leipzig", "Landau in der Pfalz"),
        topics=("Verkehr", "Künstliche Intelligenz"),
    ),
    Story(
        kicker="Regionalkonferenz MPSC",
        headline="Smart sein",
        published_at=berlin(2025, 4, 11, 10),
        teaser=(
            "Wie Städte digital und nachhaltig wachsen können, steht im Mittelpunkt der 22. "
            "Regionalkonferenz des Bundesprogramms Modellprojekte Smart Cities am 3. Juni 2025 in "
            "Halle (Saale)."
        ),
        cities=("Halle (Saale)",),
        topics=("Smart City", "Veranstaltungen"),
        organisations=("Bundesprogramm Modellprojekte Smart Cities",),
    ),
    Story(
        kicker="Interkommunale Zusammenarbeit",
        headline="Smarte Daten helfen Bauhöfen",
        published_at=berlin(2025, 4, 11, 9),
        teaser=(
            "Daten aus Sensoren und eine App unterstützen die Orte Nauheim, Trebur und Büttelborn "
            "dabei, Baumbewässerung und Streueinsätze gezielt zu planen und künftig auch die "
            "Beleuchtung bedarfsabhängig zu steuern. Die Kommunen haben das Projekt gemeinsam "
            "umgesetzt."
        ),
        cities=("Nauheim", "Trebur", "Büttelborn"),
        topics=("Interkommunale Zusammenarbeit", "Sensorik"),
    ),
    Story(
        kicker="Digitale Verkehrssteuerung",
        headline="KIMONO sorgt für Neustart",
        published_at=berlin(2025, 4, 10),
        teaser=(
            "Kaiserslautern hat seiner verkehrstechnischen Infrastruktur bis 2033 eine umfassende "
            "Modernisierung und Digitalisierung verordnet. Von den im Rahmen des Projekts KIMONO "
            "entstehenden Lösungen können auch andere Kommunen profitieren."
        ),
        cities=("Kaiserslautern",),
        topics=("Verkehr",),
        organisations=("Stadt Kaiserslautern",),
    ),
    Story(
        kicker="Hamburg",
        headline="Parkraum effizient prüfen",
        published_at=berlin(2025, 4, 9, 10),
        teaser=(
            "In Hamburg können Parkberechtigungen digital beantragt und von den Kontrollkräften "
            "online überprüft werden. In Zukunft sollen Scan-Fahrzeuge für noch mehr Effizienz "
            "bei der Parkraumkontrolle sorgen – vorausgesetzt, die rechtliche Grundlage wird "
            "geschaffen."
        ),
        cities=("Hamburg",),
        topics=("Parken", "Digitale Verwaltung"),
    ),
    Story(
        kicker="Kreis Hameln-Pyrmont",
        headline="Smart City geht in Verlängerung",
        published_at=berlin(2025, 4, 9, 9),
        teaser=(
            "Der als Modellprojekt Smart Cities geförderte Kreis Hameln-Pyrmont hat die "
            "kostenneutrale Verlängerung der Projektlaufzeit um ein Jahr beantragt – mit Erfolg. "
            "Durch den zeitintensiven Abstimmungsbedarf wäre der ursprünglich vorgesehene "
            "Zeitraum bis Ende 2026 zu kurz für die Kommune gewesen."
        ),
        cities=("Kreis Hameln-Pyrmont",),
        topics=("Smart City", "Förderung"),
        organisations=("Bundesprogramm Modellprojekte Smart Cities",),
    ),
    Story(
        kicker="Interkommunales Netzwerk",
        headline="Mobiler in der Ortenau",
        published_at=berlin(2025, 4, 8),
        teaser=(
            "Das Mobilitätsnetzwerk Ortenau setzt auf nachhaltige Verkehrslösungen und will die "
            "analoge sowie digitale Verkehrsinfrastruktur verbessern. Wie die 14 Kommunen "
            "vorgehen, erläutert Sarah Berberich, Geschäftsführerin des Beratungsunternehmens "
            "endura kommunal."
        ),
        cities=("Ortenaukreis",),
        topics=("Mobilität", "Interkommunale Zusammenarbeit"),
        people=("Sarah Berberich",),
        organisations=("Mobilitätsnetzwerk Ortenau", "endura kommunal"),
    ),
    Story(
        kicker="Wolfsburg",
        headline="Mehr als ein Parkleitsystem",
        published_at=berlin(2025, 4, 7),
        teaser=(
            "Die Stadt Wolfsburg plant – ergänzend zu den Informationen, die sie per App "
            "übermittelt – ein dynamisches Parkleitsystem in der Innenstadt. Dieses soll eine "
            "effiziente Verkehrssteuerung ermöglichen und darüber hinausgehende Informationen "
            "liefern, etwa zu Veranstaltungen."
        ),
        cities=("Wolfsburg",),
        topics=("Parken", "Verkehr"),
    ),
    Story(
        kicker="Fraunhofer FOKUS",
        headline="Digital Twin hilft beim Routing",
        published_at=berlin(2025, 4, 2),
        teaser=(
            "Das Smart-Mobility-Team von Fraunhofer FOKUS hat im Projekt KIS’M eine Fahrrad-App "
            "entwickelt, die auf einem digitalen Zwilling des Berliner Straßenverkehrs basiert. "
            "Die App berücksichtigt individuelle Präferenzen bei der Routenplanung und bietet "
            "einen Ampelphasenassistenten."
        ),
        cities=("Berlin",),
        topics=("Mobilität", "Digitaler Zwilling"),
        organisations=("Fraunhofer FOKUS",),
    ),
)

STORIES = (MAIN_STORY, *SEED_TEASERS)


# The legal pages, as sample texts that say they are samples: a real publisher's details
# cannot be made up, and a demo that looked finished would be published as it is.
SAMPLE_NOTE = (
    "<p><strong>Mustertext der Demo:</strong> Diese Angaben sind erfunden und ersetzen "
    "keine Rechtsberatung. Bitte vor dem Start durch die Angaben des Verlags ersetzen.</p>"
)
LEGAL_PAGES = {
    LegalPageKind.IMPRESSUM: {
        "title": "Impressum",
        "body": SAMPLE_NOTE + (
            "<h2>Angaben gemäß § 5 DDG</h2>"
            "<p>Muster-Verlag Kommune digital GmbH<br>Musterstraße 1<br>12345 Musterstadt</p>"
            "<p>Vertreten durch die Geschäftsführerin Erika Mustermann</p>"
            "<h2>Kontakt</h2>"
            "<p>Telefon: 01234 567890<br>E-Mail: redaktion@example.org</p>"
            "<h2>Registereintrag</h2>"
            "<p>Amtsgericht Musterstadt, HRB 00000</p>"
        ),
        "responsible": "Max Mustermann (Mustertext), Musterstraße 1, 12345 Musterstadt",
    },
    LegalPageKind.PRIVACY: {
        "title": "Datenschutzerklärung",
        "body": SAMPLE_NOTE + (
            "<h2>Verantwortliche Stelle</h2>"
            "<p>Muster-Verlag Kommune digital GmbH, Musterstraße 1, 12345 Musterstadt, "
            "datenschutz@example.org</p>"
            "<h2>Was wir beim Lesen speichern</h2>"
            "<p>Die Website setzt für Leserinnen und Leser keine Cookies und bindet keine "
            "Inhalte anderer Anbieter ein. Der Server verzeichnet jede Anfrage (Adresse der "
            "Seite, Zeitpunkt, IP-Adresse) für höchstens 14 Tage, um Störungen und Angriffe "
            "zu erkennen (Art. 6 Abs. 1 lit. f DSGVO).</p>"
            "<h2>Rückmeldungen zur Barrierefreiheit</h2>"
            "<p>Was Sie uns über das Formular schicken, erhält die Redaktion per E-Mail; sie "
            "löscht es, sobald Ihr Anliegen erledigt ist.</p>"
            "<h2>Ihre Rechte</h2>"
            "<p>Sie haben das Recht auf Auskunft, Berichtigung, Löschung, Einschränkung der "
            "Verarbeitung, Widerspruch und Beschwerde bei einer Aufsichtsbehörde.</p>"
        ),
        "responsible": "",
    },
    LegalPageKind.CONTACT: {
        "title": "Kontakt",
        "body": SAMPLE_NOTE + (
            "<h2>Redaktion</h2>"
            "<p>E-Mail: redaktion@example.org<br>Telefon: 01234 567890</p>"
            "<h2>Postanschrift</h2>"
            "<p>Muster-Verlag Kommune digital GmbH<br>Redaktion<br>Musterstraße 1<br>"
            "12345 Musterstadt</p>"
        ),
        "responsible": "",
    },
}

@dataclass(frozen=True)
class DemoUser:
    username: str
    group: str
    first_name: str
    last_name: str
    password_variable: str  # the environment variable that may set the password


DEMO_USERS = (
    DemoUser("chefredaktion", "Chefredaktion", "Clara", "Schubert", "DEMO_EDITOR_PASSWORD"),
    DemoUser("redaktion", "Redaktion", "Jonas", "Weber", "DEMO_JOURNALIST_PASSWORD"),
)


# Loading ----------------------------------------------------------------------------------


class Tally:
    """Counts what a load touched per model, and how much of it was new."""

    def __init__(self):
        self.touched = Counter()
        self.created = Counter()

    def __call__(self, result):
        """Take the `(obj, created)` of get_or_create/update_or_create; return `obj`."""
        obj, created = result
        self.touched[type(obj)] += 1
        self.created[type(obj)] += created
        return obj

    def __str__(self):
        parts = [
            _("%(count)d %(name)s (davon %(created)d neu)")
            % {
                "count": count,
                "name": model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural,
                "created": self.created[model],
            }
            for model, count in self.touched.items()
        ]
        return _("Demo-Redaktion geladen: %(parts)s.") % {"parts": ", ".join(parts)}


@transaction.atomic
def load():
    """Write the seed page's content into the database; return a `Tally` of it."""
    tally = Tally()
    cities = {}
    with DEMO_PLACES.open(encoding="utf-8", newline="") as table:
        for row in csv.DictReader(table, delimiter="\t"):
            name = SEED_NAMES.get(row["name"], row["name"])
            cities[name] = _locate(tally(_tag(City, name)), row)
    topic_names = dict.fromkeys(name for story in STORIES for name in story.topics)
    topics = {name: tally(_tag(Topic, name)) for name in topic_names}

    organisations = {}
    for org in ORGANISATIONS:
        organisations[org.name] = tally(
            Organisation.objects.update_or_create(
                name=org.name,
                defaults={
                    "kind": org.kind,
                    "city": cities.get(org.city),
                    "parent": organisations.get(org.parent),
                },
            )
        )

    people = {}
    for someone in PEOPLE:
        person = tally(
            Person.objects.update_or_create(
                name=someone.name, defaults={"description": someone.description}
            )
        )
        people[someone.name] = person
        for role in someone.roles:
            tally(
                Affiliation.objects.update_or_create(
                    person=person,
                    organisation=organisations[role.organisation],
                    role=role.role,
                    defaults={"start_date": role.start, "end_date": role.end},
                )
            )

    articles = {}
    for story in STORIES:
        article = tally(
            Article.objects.update_or_create(
                slug=german_slugify(story.headline, max_length=200),
                defaults={
                    "kicker": story.kicker,
                    "headline": story.headline,
                    "teaser": story.teaser,
                    "body": _paragraphs(story.paragraphs or (story.teaser,)),
                    "status": Status.PUBLISHED,
                    "published_at": story.published_at,
                },
            )
        )
        article.cities.set([cities[name] for name in story.cities])
        article.topics.set([topics[name] for name in story.topics])
        article.people.set([people[name] for name in story.people])
        article.organisations.set([organisations[name] for name in story.organisations])
        articles[story.headline] = article
    for story in STORIES:
        articles[story.headline].related.set([articles[h] for h in story.related])

    main = articles[MAIN_STORY.headline]
    main.lead_image = _lead_image(LEAD_IMAGE, tally)
    main.save(update_fields=["lead_image"])
    # No pin: the newest article leads the home page, as on a news site without an editor
    # at work. A demo loaded before pins had an end pinned the 2021 story; that pin goes.
    Teaser.objects.filter(placement=Placement.LEAD, article=main).delete()
    for kind, text in LEGAL_PAGES.items():
        tally(_legal_page(kind, text))
    # The main navigation an editor would choose: the leading topics and the place of the
    # main story. Once the navigation has items, it is the editors' and stays as it is.
    if not NavigationItem.objects.exists():
        leading = [topics["Smart City"], topics["Verkehr"], topics["Mobilität"],
                   cities["Kaiserslautern"]]
        for position, subject in enumerate(leading):
            NavigationItem.objects.create(position=position,
                                          **{subject._meta.model_name: subject})
    return tally


def _locate(place, row):
    """Give a demo place its key, kind, Kreis and Land from the table."""
    kind = PLACE_KINDS[row["kind"]]
    parent = None
    if kind != PlaceKind.CITY_STATE:  # a Stadtstaat is its Land
        parent = places.ensure(row["land_key"], row["land"], PlaceKind.STATE)
    if row["kreis_ags"] and row["kreis_ags"] != row["ags"]:
        parent = places.ensure(row["kreis_ags"], row["kreis"], PlaceKind.DISTRICT, parent)
    if place.add_aliases(row["name"]):
        place.save()
    places.place_at(place, ags=row["ags"], kind=kind, parent=parent)
    return place
def _legal_page(kind, text):
    """The sample text, only where nobody has written the page yet."""
    page = legal.page_for(kind)
    if page.pk is not None and not page.is_empty:
        return page, False
    for name, value in text.items():
        setattr(page, name, value)
    return legal.save(page, None), True


def _tag(model, name, **fields):
    """Find a tag case-insensitively, as the tag fields do; only a new one takes `name`."""
    return model.objects.update_or_create(
        name_key=tag_key(name), defaults=fields, create_defaults={"name": name, **fields}
    )


def _paragraphs(texts):
    return "".join(format_html("<p>{}</p>", text) for text in texts)


def _lead_image(placeholder, tally):
    credit = tally(
        ImageCredit.objects.update_or_create(
            creator=placeholder.creator,
            rights_holder="",
            defaults={"licence": placeholder.licence},
        )
    )
    image = Image.objects.filter(title=placeholder.title).first()
    created = image is None
    if created:
        image = Image(title=placeholder.title)
    # Drawing the picture again only when its file is gone keeps reruns cheap and
    # leaves no orphaned copies in MEDIA_ROOT.
    if not (image.file and image.file.storage.exists(image.file.name)):
        # A named ContentFile: ImageField reads the dimensions only from a named file.
        picture = ContentFile(placeholder_jpeg(), name="platzhalter.jpg")
        image.file.save(picture.name, picture, save=False)
    image.alt_text = placeholder.alt_text
    image.decorative = False
    image.caption = placeholder.caption
    image.credit = credit
    image.save()
    return tally((image, created))


def placeholder_jpeg(width=1600, height=900):
    """A calm diagonal gradient with thin stripes, marked in large type as a stand-in."""
    ramp = PILImage.linear_gradient("L")
    shade = ImageChops.add(
        ramp.resize((width, height)), ramp.rotate(90).resize((width, height)), scale=2
    )
    picture = ImageOps.colorize(shade, black="#6fa3a8", white="#24425e")
    draw = ImageDraw.Draw(picture)
    for x in range(-height, width, 48):
        draw.line([(x, 0), (x + height, height)], fill="#3f6f7d", width=2)
    margin = 40
    draw.rectangle(
        [margin, margin, width - margin, height - margin], outline="#f2f5f5", width=6
    )
    centre = width / 2, height / 2
    draw.text(
        (centre[0], centre[1] - 40),
        _("Platzhalterbild"),
        font=ImageFont.load_default(size=height // 6),
        fill="#ffffff",
        anchor="ms",
    )
    draw.text(
        (centre[0], centre[1] + 40),
        # A hyphen for the dash: Pillow's built-in font has no glyph for "–".
        _("Symbolbild - Platzhalter"),
        font=ImageFont.load_default(size=height // 14),
        fill="#f2f5f5",
        anchor="mt",
    )
    out = BytesIO()
    picture.save(out, "JPEG", quality=85)
    return out.getvalue()


# Demo logins ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Login:
    user: object
    spec: DemoUser
    password: str | None  # None: an existing password was kept and is not known here


@transaction.atomic
def create_users(environ=os.environ):
    """Create or update the demo logins; raise ValidationError for a weak given password.

    A password comes from the spec's environment variable, else a new one is drawn for
    a user who has none; a user who already has one keeps it.
    """
    logins = []
    for spec in DEMO_USERS:
        user, created = get_user_model().objects.get_or_create(username=spec.username)
        user.first_name, user.last_name = spec.first_name, spec.last_name
        user.is_staff = user.is_active = True
        password = environ.get(spec.password_variable) or None
        if password:
            password_validation.validate_password(password, user)
        elif created or not user.has_usable_password():
            password = secrets.token_urlsafe(12)
        if password:
            user.set_password(password)
        user.save()
        user.groups.set([Group.objects.get(name=spec.group)])
        logins.append(Login(user, spec, password))
    return logins
