"""Places with official keys: Destatis' municipality register (Gemeindeverzeichnis) in
its GV100AD fixed-width form, and the one writer of a place's key, kind and parent.

A GV100AD file has one record a line: record type in columns 1-2 (10 Land,
20 Regierungsbezirk, 30 Region, 40 Kreis, 50 Gemeindeverband, 60 Gemeinde), Gebietsstand
3-10, the key 11-18, Gemeindeverband 19-22, the name 23-72 and, where given, the
Textkennzeichen (kind) in 123-124. We read the few columns we need ourselves rather than
depend on a young reader package for them.

Our places are Gemeinde → Kreis → Land; Regierungsbezirke are skipped. A kreisfreie Stadt
is a Kreis and a Gemeinde at once in the register (07312 and 07312000): here it is one
place with the Gemeinde's key, right under its Land; a Stadtstaat (Berlin, Hamburg) is
the Land itself.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from articles.models import City
from articles.models.subjects import name_key
from articles.models.tags import STATE_BY_KEY, PlaceKind

LAND, KREIS, GEMEINDE = "10", "40", "60"
SKIPPED = {"20", "30", "50"}  # Regierungsbezirk, Region, Gemeindeverband
KEY_LENGTH = {LAND: 2, KREIS: 5, GEMEINDE: 8}
# Textkennzeichen: what kind of Kreis or Gemeinde a record is.
KIND_BY_TEXT_MARK = {
    "41": PlaceKind.INDEPENDENT_TOWN, "42": PlaceKind.INDEPENDENT_TOWN,
    "43": PlaceKind.DISTRICT, "44": PlaceKind.DISTRICT, "45": PlaceKind.DISTRICT,
    "60": PlaceKind.MUNICIPALITY, "61": PlaceKind.INDEPENDENT_TOWN,
    "62": PlaceKind.INDEPENDENT_TOWN, "63": PlaceKind.TOWN, "64": PlaceKind.MUNICIPALITY,
    "65": PlaceKind.MUNICIPALITY, "66": PlaceKind.MUNICIPALITY, "67": PlaceKind.TOWN,
}


class PlaceFileError(Exception):
    """The file is no GV100AD file we can read; the message names the line, in German."""


@dataclass(frozen=True)
class Record:
    type: str
    key: str
    name: str
    text_mark: str = ""

    @property
    def short_name(self):
        """The name without the register's suffix: "Kaiserslautern, Stadt" → "Kaiserslautern"."""
        return self.name.split(",", 1)[0].strip()

    @property
    def kind(self):
        if self.type == LAND:
            return PlaceKind.STATE
        if self.type == GEMEINDE and self.key[2:] == "000000":
            return PlaceKind.CITY_STATE
        if self.text_mark in KIND_BY_TEXT_MARK:
            return KIND_BY_TEXT_MARK[self.text_mark]
        if self.type == KREIS:
            return PlaceKind.DISTRICT
        if self.key[5:] == "000":
            return PlaceKind.INDEPENDENT_TOWN
        return PlaceKind.TOWN if "stadt" in self.name[len(self.short_name):].casefold() \
            else PlaceKind.MUNICIPALITY

    def names(self):
        """The names an existing place may go by for this record. A Kreis that does not
        say it is one ("Kaiserslautern", the Landkreis) is not the town of that name."""
        names = {self.name, self.short_name}
        if self.type == KREIS and "kreis" not in self.short_name.casefold():
            names = {f"Kreis {self.short_name}", f"Landkreis {self.short_name}"}
        return {name_key(n) for n in names}

    def new_name(self):
        """The name of a Kreis or Land made as a parent: a Kreis says it is one, so it is
        not taken for its seat ("Kreis Groß-Gerau", not "Groß-Gerau")."""
        if self.type == KREIS and "kreis" not in self.short_name.casefold():
            prefix = _("Landkreis") if self.text_mark == "44" else _("Kreis")
            return f"{prefix} {self.short_name}"
        return self.short_name


def _line_error(number, problem):
    return PlaceFileError(_("Zeile %(number)d: %(problem)s") % {
        "number": number, "problem": problem})


def parse(data):
    """Every Land, Kreis and Gemeinde record of GV100AD `data` (bytes); raises
    PlaceFileError, reading to the end first, on anything malformed."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise PlaceFileError(_("Die Datei ist nicht UTF-8-kodiert.")) from error
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        record_type = line[:2]
        if record_type in SKIPPED:
            continue
        if record_type not in KEY_LENGTH:
            raise _line_error(number, _("unbekannte Satzart „%(type)s“.") % {
                "type": record_type})
        if not (line[2:10].isascii() and line[2:10].isdigit()):
            raise _line_error(number, _("der Gebietsstand (Spalten 3–10) ist kein Datum."))
        key = line[10:10 + KEY_LENGTH[record_type]]
        if not (key.isascii() and key.isdigit() and len(key) == KEY_LENGTH[record_type]):
            raise _line_error(number, _("der Schlüssel (ab Spalte 11) ist unvollständig."))
        if key[:2] not in STATE_BY_KEY:
            raise _line_error(number, _("„%(key)s“ gehört zu keinem Land.") % {"key": key})
        name = " ".join(line[22:72].split())
        if not name:
            raise _line_error(number, _("der Name (Spalten 23–72) fehlt."))
        records.append(Record(record_type, key, name, line[122:124].strip()))
    if not records:
        raise PlaceFileError(_("Die Datei enthält keinen Land-, Kreis- oder Gemeindesatz."))
    keys = [r.key for r in records]
    if len(set(keys)) != len(keys):
        twice = next(k for k in keys if keys.count(k) > 1)
        raise PlaceFileError(_("Der Schlüssel %(key)s kommt zweimal vor.") % {"key": twice})
    return records


class Register:
    """The records of one file by key, with kreisfreie Städte and Stadtstaaten as one
    record each (the Gemeinde's)."""

    def __init__(self, records):
        towns = {r.key[:5] for r in records if r.type == GEMEINDE and r.key[5:] == "000"}
        states = {r.key[:2] for r in records if r.type == GEMEINDE and r.key[2:] == "000000"}
        self.records = [
            r for r in records
            if not (r.type == KREIS and r.key in towns or r.type == LAND and r.key in states)
        ]
        self.by_key = {r.key: r for r in self.records}
        self.by_name = {}
        for record in self.records:
            for name in record.names():
                self.by_name.setdefault(name, []).append(record)

    def parent_of(self, record):
        """The record a place lies in: a kreisangehörige Gemeinde in its Kreis, a Kreis or
        kreisfreie Stadt in its Land, a Land or Stadtstaat in nothing."""
        if record.kind in (PlaceKind.STATE, PlaceKind.CITY_STATE):
            return None
        if record.type == GEMEINDE and record.key[5:] != "000":
            kreis = self.by_key.get(record.key[:5])
            if kreis is not None:
                return kreis
        land = self.by_key.get(record.key[:2])
        return land or self.by_key.get(record.key[:2] + "000000")


@dataclass
class ImportReport:
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    created: list = field(default_factory=list)
    unmatched: list = field(default_factory=list)
    ambiguous: list = field(default_factory=list)  # (place, [names in the file])


def _match(register, places):
    """{place pk: record} for our places: by key first, then by name or other name where
    exactly one record fits; with the places that fit none or several."""
    found, used, ambiguous = {}, set(), []
    for place in places:
        record = register.by_key.get(place.ags) if place.ags else None
        if record is not None:
            found[place.pk] = record
            used.add(record.key)
    for place in places:
        if place.pk in found or place.ags:
            continue
        fitting = {r for n in [place.name, *place.alias_list]
                   for r in register.by_name.get(name_key(n), []) if r.key not in used}
        if len(fitting) == 1:
            record = fitting.pop()
            found[place.pk] = record
            used.add(record.key)
        elif fitting:
            ambiguous.append((place, sorted(r.name for r in fitting)))
    return found, ambiguous


def import_places(data):
    """Fill in keys, kinds and parents of our places from GV100AD `data`; make the Kreise
    and Länder they lie in. All or nothing: the file is read whole before anything is
    written, and the writes are one transaction. Returns an ImportReport."""
    register = Register(parse(data))
    report = ImportReport()
    with transaction.atomic():
        places = list(City.objects.select_for_update().order_by("name"))
        found, report.ambiguous = _match(register, places)
        by_key = {p.ags: p for p in places if p.ags}
        by_key.update({found[p.pk].key: p for p in places if p.pk in found})
        order = {LAND: 0, KREIS: 1, GEMEINDE: 2}
        for place in sorted((p for p in places if p.pk in found),
                            key=lambda p: order[found[p.pk].type]):
            record = found[place.pk]
            parent = _place_for(register, register.parent_of(record), by_key, report)
            changed = place_at(place, ags=record.key, kind=record.kind, parent=parent)
            (report.updated if changed else report.unchanged).append(place)
        report.unmatched = [p for p in places if p.pk not in found and not p.ags
                            and p not in {a for a, _names in report.ambiguous}]
    return report


def _place_for(register, record, by_key, report):
    """Our place for `record` (a Kreis or Land something lies in), made when missing."""
    if record is None:
        return None
    if record.key not in by_key:
        parent = _place_for(register, register.parent_of(record), by_key, report)
        by_key[record.key] = new_place(record.new_name(), ags=record.key, kind=record.kind,
                                       parent=parent)
        report.created.append(by_key[record.key])
    return by_key[record.key]


def new_place(name, *, ags, kind, parent=None):
    """A Kreis or Land made as somebody's parent; named apart from a town of the same
    name (the Land Bremen and the city of Bremen)."""
    if City.objects.filter(name_key=name_key(name)).exists():
        name = f"{name} ({PlaceKind(kind).label})"
    place = City(name=name, ags=ags, kind=kind, parent=parent)
    place.save()
    return place


def place_at(place, *, ags, kind, parent):
    """Give `place` its key, kind and parent; returns whether anything changed."""
    wanted = {"ags": ags, "kind": kind, "parent_id": parent.pk if parent else None}
    if all(getattr(place, name) == value for name, value in wanted.items()):
        return False
    for name, value in wanted.items():
        setattr(place, name, value)
    place.parent = parent
    place.save()
    return True


def ensure(ags, name, kind, parent=None):
    """The place with official key `ags`, made with `name` when missing (the demo)."""
    place = City.objects.filter(ags=ags).first()
    return place or new_place(name, ags=ags, kind=kind, parent=parent)
