"""Backups: the whole newsroom in one versioned archive, and its restore into a new site.

An archive is a ZIP file::

    manifest.json                  format, version, when, Django version, row counts, and
                                   the SHA-256 of every other entry
    data/<app>.<model>.json        the rows of one model, in Django's serialisation format
    media/<name>                   each image's original file, under its storage name

Rows go through Django's serialisers rather than a format of our own: they already turn
every field type into JSON and back (dates, UUIDs, JSON fields, file names), name groups
and permissions by natural key so an archive fits any database, and restore rows the way
`loaddata` does, with raw saves. A raw save stores exactly what the archive holds: no
`Article.save()` raising the version or redoing the slug, no `auto_now` moving a
timestamp, no image processing. Primary keys are kept, so URLs, rendition names and
signed preview links stay the same.

Not in an archive: renditions (made again from the originals on import), the search
index (rebuilt), who has which article open, sessions, the admin's change log, and users
who neither wrote nor edited and have no staff login.
"""

import datetime
import hashlib
import json
import os
import tempfile
import time
import zipfile
import zlib
from contextlib import contextmanager
from pathlib import Path

import django
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from articles import images, search
from articles.models import (
    Affiliation,
    Article,
    ArticleRedirect,
    City,
    Image,
    ImageCredit,
    ImportedItem,
    LegalPage,
    LegalPageVersion,
    NavigationItem,
    Organisation,
    Person,
    Revision,
    SubjectRedirect,
    TaggedCity,
    TaggedTopic,
    Teaser,
    Topic,
    WorkflowEvent,
    WorkingCopy,
)
from articles.sanitize import clean_html

FORMAT = "newsroom-archive"
# 2: working copies of published articles, the trash, public correction notes, and the
# versions of pictures, credits, people, organisations and teasers. 3: where imported
# articles and pictures came from (their keys and old WordPress permalinks). 4: the old
# addresses of renamed and merged topics, places, people and organisations. 5: the legal
# pages with their versions, and the main navigation. Older versions still read.
VERSION = 5
MANIFEST = "manifest.json"
DATA_DIR = "data/"
MEDIA_DIR = "media/"
# What reading a damaged entry raises, depending on where the damage is.
UNREADABLE = (zipfile.BadZipFile, zlib.error, EOFError, OSError)
# Rebuilt on import from what the archive holds.
DERIVED_FIELDS = {Article: {"search_vector"}}


class ArchiveError(Exception):
    """An archive that cannot be written or restored; the message says why, in German."""


def _users():
    """Everyone the content names (authors, editors of revisions and workflow steps) and
    every staff login, so the newsroom can log in to the restored site."""
    return get_user_model().objects.filter(
        Q(articles__isnull=False)
        | Q(pk__in=Revision.objects.values("user"))
        | Q(pk__in=WorkflowEvent.objects.values("user"))
        | Q(pk__in=LegalPageVersion.objects.values("user"))
        | Q(is_staff=True)
    ).distinct()


def _parts(version=VERSION):
    """(queryset, serialiser options) of every model an archive of `version` holds, in
    restore order.

    Groups come first, by natural key: each is merged by name into the one the migration
    made. Users follow, naming their groups and permissions by natural key as well. The
    content may come in any order, since foreign keys are checked once everything is in.
    """
    natural = {"use_natural_foreign_keys": True}
    return [
        (Group.objects.all(), {**natural, "use_natural_primary_keys": True}),
        (_users(), natural),
        *(
            (model._default_manager.all(), {})
            for model in (
                ImageCredit, Image, City, Topic, Organisation, Person, Affiliation, Article,
                TaggedTopic, TaggedCity, Revision, WorkflowEvent, ArticleRedirect, Teaser,
                *([WorkingCopy] if version >= 2 else []),
                *([ImportedItem] if version >= 3 else []),
                *([SubjectRedirect] if version >= 4 else []),
                *([LegalPage, LegalPageVersion, NavigationItem] if version >= 5 else []),
            )
        ),
    ]


def _data_name(model):
    return f"{DATA_DIR}{model._meta.label_lower}.json"


def _fields(model):
    opts = model._meta
    derived = DERIVED_FIELDS.get(model, set())
    return [f.name for f in (*opts.local_fields, *opts.local_many_to_many)
            if f.name not in derived]


class _Encoder(DjangoJSONEncoder):
    """DjangoJSONEncoder cuts times to milliseconds; a backup keeps every microsecond."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def _storage():
    # The images' own storage, whichever backend: default_storage unless configured.
    return Image._meta.get_field("file").storage


# Export -----------------------------------------------------------------------------------


def export_archive(path):
    """Write the archive to `path` and return its manifest.

    The archive is written next to `path` and moved there when complete, so `path` never
    holds half an archive. All tables are read in one transaction, on PostgreSQL in a
    single snapshot, so an archive of a site in use is consistent.
    """
    path = Path(path)
    try:
        handle, partial = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".part"
        )
        os.close(handle)
        try:
            with _snapshot(), zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
                manifest = _write_entries(archive)
                archive.writestr(MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False))
            os.replace(partial, path)
        finally:
            Path(partial).unlink(missing_ok=True)
    except OSError as error:
        raise ArchiveError(
            _("Das Archiv %(path)s ließ sich nicht schreiben (%(error)s).")
            % {"path": path, "error": error}
        ) from error
    return manifest


@contextmanager
def _snapshot():
    """Read every table at the same moment; a transaction is already one on SQLite."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _write_entries(archive):
    counts, files = {}, {}
    for queryset, options in _parts():
        model = queryset.model
        rows = serializers.serialize(
            "python", queryset.order_by("pk"), fields=_fields(model), **options
        )
        data = json.dumps(rows, cls=_Encoder, indent=1, ensure_ascii=False).encode()
        archive.writestr(_data_name(model), data)
        counts[model._meta.label_lower] = len(rows)
        files[_data_name(model)] = hashlib.sha256(data).hexdigest()
    storage = _storage()
    for pk, name in Image.objects.exclude(file="").order_by("pk").values_list("pk", "file"):
        if not storage.exists(name):
            raise ArchiveError(
                _("Die Datei %(name)s von Bild %(pk)d fehlt im Speicher.")
                % {"name": name, "pk": pk}
            )
        digest = hashlib.sha256()
        # Pictures are compressed already; deflating them again only costs time.
        entry = zipfile.ZipInfo(MEDIA_DIR + name, date_time=time.localtime()[:6])
        with storage.open(name, "rb") as source, archive.open(entry, "w") as target:
            for chunk in source.chunks():
                digest.update(chunk)
                target.write(chunk)
        files[MEDIA_DIR + name] = digest.hexdigest()
    return {
        "format": FORMAT,
        "version": VERSION,
        "created_at": timezone.now().isoformat(),
        "django_version": django.get_version(),
        "counts": counts,
        "files": files,
    }


# Import -----------------------------------------------------------------------------------


def import_archive(path):
    """Restore the archive at `path` into this site's empty database and storage; return
    its manifest. Raise ArchiveError, having changed nothing, if the archive is damaged,
    of another format or version, or the site already has content."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise ArchiveError(
            _("%(path)s ist kein lesbares Newsroom-Archiv (%(error)s).")
            % {"path": path, "error": error}
        ) from error
    with archive:
        manifest = _read_manifest(archive)
        _verify_files(archive, manifest)
        data = _read_data(archive, manifest)
        media = _media_to_write(archive, manifest, data)
        _check_pictures(archive, media)
        storage, written = _storage(), []
        try:
            with transaction.atomic():
                _refuse_content()
                if manifest["version"] >= 4:
                    # The archive brings the legal pages; the empty ones the migration
                    # made give way. Older archives leave them as they are.
                    LegalPage.objects.all().delete()
                _restore_rows(data)
                if manifest["version"] < 2:
                    # As the migration to live versions did for existing sites.
                    Article.objects.filter(published_at__isnull=False).update(
                        modified_at=F("published_at"))
                # Only now, with every row in and checked, may files reach the storage.
                for name in media:
                    # What an upload must pass, so an altered archive brings nothing more.
                    data = images.clean_archived(archive.read(MEDIA_DIR + name), name)
                    written.append(storage.save(name, ContentFile(data, name=name)))
                    if written[-1] != name:
                        raise ArchiveError(
                            _("Die Datei %(name)s ließ sich nicht unter ihrem Namen "
                              "speichern.") % {"name": name}
                        )
                for image in Image.objects.exclude(file="").order_by("pk"):
                    _make_renditions(image)
                    written += image.renditions.values_list("file", flat=True)
        except BaseException:
            # Renditions an image got before a failure are not listed, but harmless:
            # the next import writes its renditions under the same names.
            for name in written:
                storage.delete(name)
            raise
    return manifest


def _corrupt(message, **params):
    return ArchiveError(_("Das Archiv ist beschädigt: %(problem)s") % {
        "problem": message % params
    })


def _read_json(archive, name):
    try:
        data = archive.read(name)
    except KeyError as error:
        raise _corrupt(_("%(name)s fehlt."), name=name) from error
    except UNREADABLE as error:
        raise _corrupt(_("%(name)s ist nicht lesbar."), name=name) from error
    try:
        return json.loads(data)
    except ValueError as error:
        raise _corrupt(_("%(name)s ist kein gültiges JSON."), name=name) from error


def _read_manifest(archive):
    manifest = _read_json(archive, MANIFEST)
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveError(_("Das ist kein Newsroom-Archiv (Format „%(format)s“).") % {
            "format": manifest.get("format") if isinstance(manifest, dict) else None
        })
    version = manifest.get("version")
    if not isinstance(version, int) or version < 1:
        raise _corrupt(_("Die Version „%(version)s“ ist ungültig."), version=version)
    if version > VERSION:
        raise ArchiveError(
            _("Das Archiv hat Version %(version)d; diese Installation liest Archive bis "
              "Version %(supported)d. Bitte mit einer neueren Version der Anwendung "
              "importieren.") % {"version": version, "supported": VERSION}
        )
    files, counts = manifest.get("files"), manifest.get("counts")
    if not isinstance(files, dict) or not isinstance(counts, dict):
        raise _corrupt(_("%(name)s nennt keine Dateien und Zahlen."), name=MANIFEST)
    return manifest


def _verify_files(archive, manifest):
    """Every entry is listed in the manifest, every listed one is there, and all
    checksums match."""
    listed = manifest["files"]
    present = {name for name in archive.namelist() if name != MANIFEST}
    unknown = sorted(present - listed.keys())
    if unknown:
        raise _corrupt(_("nicht verzeichnete Einträge: %(names)s."), names=", ".join(unknown))
    for name, expected in listed.items():
        if name not in present:
            raise _corrupt(_("%(name)s fehlt."), name=name)
        try:
            with archive.open(name) as entry:
                actual = hashlib.file_digest(entry, "sha256").hexdigest()
        except UNREADABLE as error:
            raise _corrupt(_("%(name)s ist nicht lesbar."), name=name) from error
        if actual != expected:
            raise _corrupt(_("Die Prüfsumme von %(name)s stimmt nicht."), name=name)


def _read_data(archive, manifest):
    """The rows of each model as (model, serialised objects), in restore order."""
    data = []
    for queryset, _options in _parts(manifest["version"]):
        model, name = queryset.model, _data_name(queryset.model)
        if name not in manifest["files"]:
            raise _corrupt(_("%(name)s fehlt."), name=name)
        rows = _read_json(archive, name)
        label = model._meta.label_lower
        if not isinstance(rows, list) or not all(
            isinstance(row, dict) and row.get("model") == label
            and isinstance(row.get("fields"), dict)
            for row in rows
        ):
            raise _corrupt(_("%(name)s enthält nicht nur Datensätze von %(label)s."),
                           name=name, label=label)
        if len(rows) != manifest["counts"].get(label):
            raise _corrupt(_("%(name)s enthält nicht so viele Datensätze, wie das Manifest "
                             "sagt."), name=name)
        data.append((model, rows))
    return data


def _media_to_write(archive, manifest, data):
    """The names of the originals to store. The archive must hold exactly the images'
    files, and the storage none of them with other content."""
    image_rows = next(rows for model, rows in data if model is Image)
    names = {row["fields"].get("file") for row in image_rows} - {"", None}
    in_archive = {n.removeprefix(MEDIA_DIR) for n in archive.namelist()
                  if n.startswith(MEDIA_DIR)}
    if names != in_archive:
        raise _corrupt(
            _("Bilddateien und Bilder passen nicht zusammen: %(names)s."),
            names=", ".join(sorted(map(str, names ^ in_archive))),
        )
    storage, to_write = _storage(), []
    for name in sorted(names):
        if not storage.exists(name):
            to_write.append(name)
            continue
        # Left by an earlier attempt, say: the same file may stay, another may not.
        with storage.open(name, "rb") as stored:
            digest = hashlib.file_digest(stored, "sha256").hexdigest()
        if digest != manifest["files"][MEDIA_DIR + name]:
            raise ArchiveError(
                _("Im Speicher liegt schon eine andere Datei namens %(name)s.") % {"name": name}
            )
    return to_write


def _check_pictures(archive, names):
    """Refuse the archive, before anything is written, if a file is no picture an upload
    could be (articles.images.validate_upload's rules)."""
    for name in names:
        try:
            images.clean_archived(archive.read(MEDIA_DIR + name), name)
        except ValidationError as error:
            raise ArchiveError(
                _("Die Datei %(name)s ist kein zulässiges Bild: %(reason)s")
                % {"name": name, "reason": " ".join(error.messages)}
            ) from error


def _refuse_content():
    """Refuse a database with content: a restore merges nothing but the groups."""
    models = [get_user_model(), *apps.get_app_config("articles").get_models()]
    found = {model: count for model in models if (count := _content(model).count())}
    if found:
        raise ArchiveError(
            _("Die Zieldatenbank ist nicht leer (%(found)s). Ein Archiv lässt sich nur in "
              "eine frisch migrierte Datenbank ohne Inhalte importieren.")
            % {"found": _tally(found)}
        )


def _content(model):
    """A model's rows that are content: not the empty legal pages every migrated
    database starts with."""
    if model is LegalPage:
        return LegalPage.objects.exclude(body="", responsible="")
    return model._default_manager.all()


def _restore_rows(data):
    """Write the rows as `loaddata` does, check every foreign key, then bring sequences
    and the search index up to date."""
    for model, rows in data:
        if model is Article:
            # Bodies go through the form's sanitiser: an altered archive brings no script.
            for row in rows:
                row["fields"]["body"] = clean_html(row["fields"].get("body") or "")
    try:
        for _model, rows in data:
            # Deserialised model by model: users name their groups by natural key, which
            # is looked up as the user is read, so the groups must be saved first.
            for item in serializers.deserialize("python", rows,
                                                handle_forward_references=False):
                item.save()
        connection.check_constraints()
    except (DeserializationError, ValidationError, DatabaseError) as error:
        raise ArchiveError(
            _("Das Archiv passt nicht zu dieser Datenbank: %(error)s") % {"error": error}
        ) from error
    models = [model for model, _rows in data]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
    search.index(Article.objects.all())


def _make_renditions(image):
    try:
        images.make_renditions(image)
    except Exception as error:  # Pillow raises many kinds of errors for damaged files
        raise ArchiveError(
            _("Aus der Datei %(name)s von Bild %(pk)d lassen sich keine Bildvarianten "
              "erzeugen (%(error)s).") % {"name": image.file.name, "pk": image.pk, "error": error}
        ) from error


def contents(manifest):
    """What an archive holds, for people: "17 Artikel, 1 Bild, …"."""
    models = [queryset.model for queryset, _options in _parts(manifest["version"])]
    return _tally({model: manifest["counts"].get(model._meta.label_lower, 0) for model in models})


def _tally(counts):
    return ", ".join(
        f"{count} {model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural}"
        for model, count in counts.items()
    )
