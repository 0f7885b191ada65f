"""Moving in from WordPress: posts, their authors, terms and pictures from a WXR export.

Posts become articles, written in batches (bulk inserts, one transaction per batch), so
that a site of ten thousand posts moves in within minutes. A batch that fails as a whole
is written again item by item, each in a savepoint, so that one bad post is reported with
its title and reason and leaves nothing behind while the others still come in.

Every post and attachment is remembered as an ImportedItem under its WordPress id (and
the post's GUID): a second run skips what came in already, and the public site answers
the post's old permalinks (articles.public.views.old_permalink). Picture files are read
from the uploads folder given, never downloaded.
"""

import datetime
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles import images, search, surrogate_keys
from articles.editorial import revisions
from articles.importers import common, wpautop, wxr
from articles.models import (
    Article,
    City,
    Image,
    ImageCredit,
    ImportedItem,
    Revision,
    Status,
    TaggedCity,
    TaggedTopic,
    Topic,
)
from articles.models.tags import normalise_tag_name, tag_key
from articles.sanitize import clean_html
from articles.slugs import german_slugify

SOURCE = ImportedItem.Source.WORDPRESS
BATCH_SIZE = 500
UPLOADS = "/wp-content/uploads/"

POSTS = gettext_lazy("Beiträge")
PAGES = gettext_lazy("Seiten")
MENU_ITEMS = gettext_lazy("Menüeinträge")
IMAGES = gettext_lazy("Bilder")
OTHER = gettext_lazy("Sonstige Einträge")
SKIPPED_TYPES = {"page": PAGES, "nav_menu_item": MENU_ITEMS}

# WordPress' post status -> ours; a "future" post is published with a time to come.
STATUSES = {
    "publish": Status.PUBLISHED,
    "future": Status.PUBLISHED,
    "draft": Status.DRAFT,
    "private": Status.DRAFT,
    "pending": Status.REVIEW,
}
# WordPress' default category says nothing about a post.
MEANINGLESS_TERMS = {"uncategorized", "allgemein", "unkategorisiert"}


# What a picture that would be imported stands for in a dry run, which stores none.
DRY_RUN = "dry-run"


class Rollback(Exception):
    """Raised at the end of a dry run to undo everything it wrote."""


@dataclass
class Post:
    """A post as it will be written: everything worked out before the batch writes."""

    item: wxr.Item
    headline: str
    teaser: str
    body: str
    status: str
    published_at: datetime.datetime | None
    old_date: datetime.date | None
    topics: list = field(default_factory=list)
    cities: list = field(default_factory=list)
    attachments: list = field(default_factory=list)  # ids; the featured one first
    featured: int | None = None


def digest(item):
    """What a post was when imported: if it differs on a later run, the post changed."""
    state = (item.title, item.content, item.excerpt, item.status, item.date, item.date_gmt,
             item.slug, item.creator, sorted(item.categories), item.meta.get("_thumbnail_id"))
    return hashlib.sha256(repr(state).encode()).hexdigest()


def import_export(path, *, media_dir=None, dry_run=False, progress=None):
    """Import the WXR file at `path`; return the Tally. Raise wxr.NotWXR, having
    written nothing, if the file is no WordPress export. `progress(done, total)` is
    called as posts are done; a dry run writes nothing, files included."""
    export = wxr.read(path)
    run = _Run(export, Path(media_dir) if media_dir else None, dry_run, progress)
    if not dry_run:
        run.execute()
        return run.tally
    try:
        with transaction.atomic():
            run.execute()
            raise Rollback
    except Rollback:
        pass
    return run.tally


class _Run:
    def __init__(self, export, media_dir, dry_run, progress):
        self.export, self.media_dir, self.dry_run = export, media_dir, dry_run
        self.progress = progress or (lambda done, total: None)
        self.tally = common.Tally()
        self.slugs = common.Slugs()
        self.shortcodes = Counter()
        self.attachments = {i.post_id: i for i in export.items if i.post_type == "attachment"}
        self.attached = {}  # post id -> [attachment ids]
        for attachment in self.attachments.values():
            self.attached.setdefault(attachment.parent, []).append(attachment.post_id)
        self.used_attachments = set()
        self._forget_rolled_back()

    def execute(self):
        posts = []
        for item in self.export.items:
            if item.post_type == "post":
                posts.append(item)
            elif item.post_type != "attachment":
                self.tally.add(SKIPPED_TYPES.get(item.post_type, OTHER), common.SKIPPED)
        self.users = self._authors(posts)
        self.city_keys = dict(City.objects.values_list("name_key", "pk"))
        known = ImportedItem.objects.filter(source=SOURCE)
        self.known_keys = {key: (digest, article_id) for key, digest, article_id in
                           known.values_list("key", "digest", "article_id")}
        self.known_guids = set(known.exclude(guid="").values_list("guid", flat=True))
        self.images = dict(
            known.filter(image__isnull=False).values_list("key", "image_id"))
        for start in range(0, len(posts), BATCH_SIZE):
            self._batch(posts[start:start + BATCH_SIZE])
            self.progress(min(start + BATCH_SIZE, len(posts)), len(posts))
        unused = len(self.attachments.keys() - self.used_attachments)
        if unused:
            self.tally.add(IMAGES, common.SKIPPED, unused)
        if self.shortcodes:
            self.tally.note(_("Entfernte Shortcodes: %(names)s.") % {"names": ", ".join(
                f"[{name}] ({count})" for name, count in sorted(self.shortcodes.items()))})
        if not self.dry_run:
            # Written in bulk, around the signals that retire single pages.
            surrogate_keys.changed_everything()
            images.follow_publicity_after_commit(images.out_of_step)

    # Authors --------------------------------------------------------------------------

    def _authors(self, posts):
        """Staff users for everyone who wrote, without a usable password and inactive:
        the newsroom decides who may log in. Existing logins are reused."""
        User = get_user_model()
        # Cut to what a username holds, here and where posts name their author.
        logins = {login[:150] for login in
                  {p.creator for p in posts if p.creator} | self.export.authors.keys()}
        users = {u.username: u for u in User.objects.filter(username__in=logins)}
        for login in sorted(logins - users.keys()):
            author = next((a for key, a in self.export.authors.items()
                           if key[:150] == login), None) or wxr.Author(login=login)
            first, last = author.first_name, author.last_name
            if not (first or last) and author.display_name:
                first, _space, last = author.display_name.rpartition(" ")
            user = User(username=login, email=author.email, first_name=first[:150],
                        last_name=last[:150], is_staff=True, is_active=False)
            user.set_unusable_password()
            user.save()
            users[login] = user
        return users

    # Posts ----------------------------------------------------------------------------

    def _batch(self, items):
        prepared = []
        for item in items:
            known = self.known_keys.get(str(item.post_id))
            if known is not None and known[0] != digest(item) and known[1] is not None:
                self._update(item)
                continue
            if known is not None or (
                item.guid and common.short_key(item.guid) in self.known_guids
            ):
                self.tally.add(POSTS, common.SKIPPED)
                continue
            try:
                post = self._prepare(item)
            except ValueError as error:
                self.tally.fail(POSTS, self._title(item), error)
                continue
            if post is None:
                self.tally.add(POSTS, common.SKIPPED)
                continue
            prepared.append(post)
        if not prepared:
            return
        try:
            with transaction.atomic():
                self._write(prepared)
        except (DatabaseError, ValidationError, OSError):
            # Which post broke it? One by one, each in its own savepoint.
            self._forget_rolled_back()
            for post in prepared:
                try:
                    with transaction.atomic():
                        self._write([post])
                except (DatabaseError, ValidationError, OSError) as error:
                    self._forget_rolled_back()
                    self.tally.fail(POSTS, post.headline, error)

    def _update(self, item):
        """Bring a post changed in WordPress since the last run over, unless the article
        was edited here since: then the newsroom's version stands, and is reported."""
        imported = ImportedItem.objects.select_related("article").get(
            source=SOURCE, key=str(item.post_id))
        article = imported.article
        if article.version != imported.article_version:
            self.tally.add(POSTS, common.SKIPPED)
            self.tally.note(_("„%(title)s“ wurde in WordPress geändert, aber hier schon "
                              "bearbeitet; die Fassung hier bleibt.")
                            % {"title": article.headline})
            return
        try:
            post = self._prepare(item)
            if post is None:
                raise ValueError(_("Der Beitrag hat in WordPress keinen übertragbaren "
                                   "Status mehr (%(status)s).") % {"status": item.status})
            with transaction.atomic():
                self._rewrite(article, post)
                imported.digest, imported.article_version = digest(item), article.version
                imported.save(update_fields=["digest", "article_version"])
        except (ValueError, DatabaseError, ValidationError, OSError) as error:
            self._forget_rolled_back()
            self.tally.fail(POSTS, self._title(item), error)
            return
        self.known_keys[str(item.post_id)] = (imported.digest, article.pk)
        self.tally.add(POSTS, common.UPDATED)

    def _rewrite(self, article, post):
        """Put a changed post's content on its article, with a revision saying so."""
        for attachment_id in post.attachments:
            image_id = self._image(attachment_id, post.headline)
            if isinstance(image_id, int):
                self.images[f"attachment:{attachment_id}"] = image_id
            self.used_attachments.add(attachment_id)
        lead = self.images.get(f"attachment:{post.featured}")
        article.headline, article.teaser, article.body = post.headline, post.teaser, post.body
        article.status, article.published_at = post.status, post.published_at
        article.modified_at = post.published_at
        article.lead_image_id = lead if isinstance(lead, int) else None
        article.save()
        article.topics.set([Topic.objects.get(pk=self._tag(Topic, n)) for n in post.topics])
        article.cities.set([City.objects.get(pk=self._tag(City, n)) for n in post.cities])
        user = self.users.get(post.item.creator[:150])
        article.authors.set([user] if user else [])
        revisions.record(article, None, note=_("aus WordPress aktualisiert"))

    def _forget_rolled_back(self):
        """Tags and credits made in a rolled-back transaction are gone again; so must be
        the files of its pictures, which no transaction undoes."""
        self.tags = {Topic: {}, City: {}}
        self.credits = {}
        storage = Image._meta.get_field("file").storage
        for name in getattr(self, "written", ()):
            storage.delete(name)
        self.written = []

    @staticmethod
    def _title(item):
        return common.plain_text(item.title) or f"#{item.post_id}"

    def _prepare(self, item):
        status = STATUSES.get(item.status)
        if status is None:  # trash, auto-draft, inherit: nothing the site had
            return None
        if item.password and status == Status.PUBLISHED:
            # Behind a password on the old site: not for everyone here either.
            status = Status.DRAFT
            self.tally.note(_("„%(title)s“ war durch ein Passwort geschützt und kommt als "
                              "Entwurf.") % {"title": self._title(item)})
        published_at = self._date(item)
        if status == Status.PUBLISHED and published_at is None:
            if item.status == "future":
                raise ValueError(_("Der geplante Beitrag hat kein Datum."))
            published_at = timezone.now()
        html, removed = wpautop.render(item.content)
        self.shortcodes.update(removed)
        body = clean_html(html)
        headline = common.headline_from(item.title, _("Ohne Titel (WordPress-Beitrag %(id)d)")
                                        % {"id": item.post_id})
        post = Post(
            item=item, headline=headline, teaser=common.teaser_from(item.excerpt, body),
            body=body, status=status,
            published_at=published_at if status == Status.PUBLISHED else None,
            old_date=self._old_date(item, published_at),
        )
        for domain, name in item.categories:
            name = normalise_tag_name(common.plain_text(name))[:100]
            if domain not in ("category", "post_tag") or not name or (
                german_slugify(name) in MEANINGLESS_TERMS
            ):
                continue
            (post.cities if tag_key(name) in self.city_keys else post.topics).append(name)
        thumbnail = common.plain_text(item.meta.get("_thumbnail_id", ""))
        featured = int(thumbnail) if thumbnail.isdigit() else None
        post.attachments = [a for a in [featured, *self.attached.get(item.post_id, [])]
                            if a in self.attachments]
        post.attachments = list(dict.fromkeys(post.attachments))
        if featured is not None and featured not in self.attachments:
            self.tally.note(_("„%(title)s“: Das Beitragsbild %(id)d fehlt im Export.")
                            % {"title": headline, "id": featured})
        post.featured = featured if featured in self.attachments else None
        return post

    @staticmethod
    def _old_date(item, published_at):
        """The date in the old permalink: the site's local date of the post."""
        local = wxr.parse_date(item.date)
        return local.date() if local else published_at.date() if published_at else None

    @staticmethod
    def _date(item):
        gmt = wxr.parse_date(item.date_gmt)
        if gmt is not None:
            return gmt.replace(tzinfo=datetime.UTC)
        local = wxr.parse_date(item.date)
        return timezone.make_aware(local) if local else None

    def _write(self, posts):
        """Write `posts` with their pictures, terms, authors, keys, search data and first
        revision: a handful of bulk statements for the whole batch."""
        new_images = {}
        fresh = {a for p in posts for a in p.attachments if f"attachment:{a}" not in self.images}
        for post in posts:
            for attachment_id in post.attachments:
                new_images[attachment_id] = self._image(attachment_id, post.headline)
        self.slugs.preload([p.item.slug for p in posts])
        articles = []
        for post in posts:
            lead = new_images.get(post.featured)
            lead = lead if isinstance(lead, int) else None
            articles.append(Article(
                headline=post.headline, teaser=post.teaser, body=post.body,
                status=post.status, published_at=post.published_at,
                modified_at=post.published_at, version=1, lead_image_id=lead,
                slug=self.slugs.take(post.item.slug, post.headline),
            ))
        Article.objects.bulk_create(articles)
        self._relate(posts, articles)
        ImportedItem.objects.bulk_create([
            ImportedItem(source=SOURCE, key=str(p.item.post_id), article=a,
                         guid=common.short_key(p.item.guid) if p.item.guid else "",
                         old_slug=p.item.slug[:200], old_date=p.old_date,
                         digest=digest(p.item), article_version=a.version)
            for p, a in zip(posts, articles, strict=True)
        ])
        pks = [a.pk for a in articles]
        search.index(Article.objects.filter(pk__in=pks))
        note = _("aus WordPress importiert")
        Revision.objects.bulk_create([
            Revision(article=a, version=1, status=a.status, data=data, note=note)
            for a, data in revisions.snapshots(Article.objects.filter(pk__in=pks))
        ])
        # Counted only now that the batch is in.
        self.tally.add(POSTS, common.IMPORTED, len(posts))
        self.written = []  # committed with the batch (or its savepoint)
        self.tally.add(IMAGES, common.IMPORTED,
                       sum(1 for a in fresh if new_images[a] is not None))
        self.known_keys.update(
            (str(p.item.post_id), (digest(p.item), a.pk)) for p, a in zip(posts, articles,
                                                                           strict=True))
        for attachment_id, image_id in new_images.items():
            self.used_attachments.add(attachment_id)
            if isinstance(image_id, int):
                self.images[f"attachment:{attachment_id}"] = image_id

    def _relate(self, posts, articles):
        topics, cities, authors = [], [], []
        Authors = Article.authors.through
        for post, article in zip(posts, articles, strict=True):
            topics += [TaggedTopic(content_object=article, tag_id=self._tag(Topic, n))
                       for n in dict.fromkeys(post.topics)]
            cities += [TaggedCity(content_object=article, tag_id=self._tag(City, n))
                       for n in dict.fromkeys(post.cities)]
            user = self.users.get(post.item.creator[:150])
            if user is not None:
                authors.append(Authors(article=article, user=user))
        # Two names WordPress keeps apart may be one tag here ("Smart City", "smart city").
        TaggedTopic.objects.bulk_create(topics, ignore_conflicts=True)
        TaggedCity.objects.bulk_create(cities, ignore_conflicts=True)
        Authors.objects.bulk_create(authors)

    def _tag(self, model, name):
        key = tag_key(name)
        if key not in self.tags[model]:
            tag = model.objects.filter(name_key=key).first() or model.objects.create(name=name)
            self.tags[model][key] = tag.pk
        return self.tags[model][key]

    # Pictures -------------------------------------------------------------------------

    def _image(self, attachment_id, headline):
        """The id of the image for an attachment, made from its file and metadata; None
        when the file is missing or no picture (reported); DRY_RUN in a dry run."""
        key = f"attachment:{attachment_id}"
        if key in self.images:
            return self.images[key]
        attachment = self.attachments[attachment_id]
        title = self._title(attachment)
        try:
            data, name = self._file(attachment)
            images.validate_upload(ContentFile(data, name=name))
        except (ValueError, ValidationError) as error:
            reason = " ".join(error.messages) if isinstance(error, ValidationError) else error
            self.tally.fail(IMAGES, title, _("%(reason)s (Beitrag „%(headline)s“)")
                            % {"reason": reason, "headline": headline})
            self.images[key] = None
            return None
        if self.dry_run:
            return DRY_RUN
        meta = wxr.php_unserialize(attachment.meta.get("_wp_attachment_metadata")) or {}
        image_meta = meta.get("image_meta") if isinstance(meta.get("image_meta"), dict) else {}
        caption = common.plain_text(attachment.excerpt or image_meta.get("caption") or "")
        alt = common.plain_text(attachment.meta.get("_wp_attachment_image_alt", ""))
        image = Image.objects.create(
            file=ContentFile(data, name=name), title=title[:200],
            alt_text=(alt or caption)[:300], caption=caption[:500],
            credit=self._credit(image_meta.get("credit") or image_meta.get("copyright")),
        )
        self.written += [image.file.name, *image.renditions.values_list("file", flat=True)]
        ImportedItem.objects.create(source=SOURCE, key=key, image=image)
        return image.pk

    def _file(self, attachment):
        """The bytes and name of an attachment's file in the media folder."""
        path = unquote(urlsplit(attachment.attachment_url).path)
        relative = path.split(UPLOADS, 1)[1] if UPLOADS in path else path.lstrip("/")
        if self.media_dir is None:
            raise ValueError(_("Die Datei %(name)s fehlt: kein Medienordner angegeben.")
                             % {"name": relative})
        root = self.media_dir.resolve()
        candidate = (root / relative).resolve()
        if not relative or not candidate.is_relative_to(root) or not candidate.is_file():
            raise ValueError(_("Die Datei %(name)s fehlt im Medienordner.")
                             % {"name": relative})
        return candidate.read_bytes(), candidate.name

    def _credit(self, creator):
        creator = common.plain_text(str(creator or ""))[:200]
        if not creator:
            return None
        if creator not in self.credits:
            self.credits[creator] = (
                ImageCredit.objects.filter(creator=creator, rights_holder="").first()
                or ImageCredit.objects.create(creator=creator)
            )
        return self.credits[creator]
