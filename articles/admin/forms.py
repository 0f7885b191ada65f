"""Admin forms: the article form journalists write in, and the forms for named things."""

from pathlib import PurePath

from django import forms
from django.contrib.admin.widgets import AdminDateWidget, AdminSplitDateTime
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from taggit.forms import TagField

from articles import images
from articles.admin.users import person_name
from articles.admin.widgets import SlugInput, TagSuggestInput
from articles.editorial import livecopy, revisions, workflow
from articles.models import Article, Image, ImageCredit, LicenceType, Status, Transition
from articles.models.images import CC_DEEDS
from articles.models.tags import GermanTag, normalise_tag_name, tag_key
from articles.slugs import german_slugify


def check_tag_length(name):
    """Refuse a topic or city name longer than the database holds, also once case-folded
    for its key ("ß" becomes "ss")."""
    limit = GermanTag._meta.get_field("name_key").max_length
    if max(len(normalise_tag_name(name)), len(tag_key(name))) > limit:
        raise ValidationError(
            _("„%(name)s“ ist zu lang: höchstens %(limit)d Zeichen sind möglich."),
            code="max_length",
            params={"name": Truncator(name).chars(40), "limit": limit},
        )


class CommaSeparatedTagField(TagField):
    """Tag names separated by commas only, even when there is just one.

    taggit splits an input without commas at its spaces, so "Digitaler Zwilling" alone
    would become two tags; a trailing comma makes it read as the one name it is.
    """

    def clean(self, value):
        names = super().clean(f"{value}," if value else value)
        for name in names:
            check_tag_length(name)
        return names


class VersionedFormMixin(forms.Form):
    """For pictures, credits, people, organisations and teasers: a save from a copy that
    someone else has saved over since is refused once, with what they changed, and the
    typed values kept; saving again then is the user's explicit choice. The admin claims
    the version in the same transaction as the write (VersionedAdminMixin)."""

    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["edit_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None or self.add_prefix("edit_version") not in self.data:
            return cleaned  # no form of ours: scripts that post their own data
        current = type(self.instance)._default_manager.filter(pk=self.instance.pk).first()
        if current is None or cleaned.get("edit_version") == current.version:
            return cleaned
        changed = [
            f"{field.label}: „{Truncator(str(getattr(current, name) or '–')).chars(80)}“"
            for name, field in self.fields.items()
            if name in self.initial and hasattr(current, name)
            and not isinstance(field, forms.FileField)
            and self.initial[name] != field.prepare_value(getattr(current, name))
        ]
        self.data = self.data.copy()
        self.data[self.add_prefix("edit_version")] = current.version
        raise ValidationError(
            _("Während Sie bearbeitet haben, hat jemand anderes diesen Eintrag gespeichert. "
              "Ihre Eingaben sind erhalten. Jetzt gespeichert: %(changed)s. Wenn Sie erneut "
              "speichern, ersetzen Ihre Eingaben diese Fassung."),
            code="stale_save",
            params={"changed": "; ".join(changed) or _("keine sichtbare Änderung")},
        )


class SluggedAdminForm(forms.ModelForm):
    """A form whose slug, on new objects, follows `slug_source` as one types (German-style).

    A slug the script derived is nobody's choice, so it is handed back empty: the model's
    save then picks a free one ("-2") where a clash would otherwise fail the form.
    """

    slug_source = "name"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            slug = self.fields["slug"]
            slug.widget = SlugInput(self.slug_source, attrs=slug.widget.attrs)

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        source = self.cleaned_data.get(self.slug_source, "")
        derived = german_slugify(source, max_length=self.fields["slug"].max_length)
        if self.instance.pk is None and slug == derived:
            return ""
        return slug


class TagAdminForm(SluggedAdminForm):
    """Topics and cities: names are unique regardless of case, as in the tag input."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An empty slug is made from the name on save.
        self.fields["slug"].required = False

    def clean_name(self):
        name = normalise_tag_name(self.cleaned_data["name"])
        check_tag_length(name)
        others = self._meta.model._default_manager.exclude(pk=self.instance.pk)
        if others.filter(name_key=tag_key(name)).exists():
            raise ValidationError(
                _("„%(name)s“ gibt es schon, womöglich anders geschrieben (groß/klein)."),
                code="unique",
                params={"name": name},
            )
        return name


# About what search results show of a title before they cut it off.
HEADLINE_RECOMMENDED = 70


class ArticleAdminForm(SluggedAdminForm):
    """The article form. It needs the user and the workflow step the button asked for.

    The status is never a form field: it changes only through
    `articles.editorial.workflow`, when the admin takes the step named by the pressed
    button after saving the content. The form checks that step against the content as
    typed, so a refused step saves nothing.

    It edits what `livecopy.content_of` gives: the working copy of a published article,
    else the article. It carries the version the user started from; when someone else
    saved since, fields only one of the two changed are merged, and a field both changed
    is refused until the user chooses, per field, their text or the other one.
    """

    slug_source = "headline"
    # Text, not a number field: a version that is missing or garbled is no reason to
    # lose the typed text; it merges as a conflict on every field both sides differ in.
    edit_version = forms.CharField(widget=forms.HiddenInput, required=False)
    correction = forms.CharField(
        label=_("Korrekturhinweis"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Erscheint mit Datum unter dem Artikel und im Feed, sobald die Änderungen "
                    "veröffentlicht sind. Leer lassen bei Änderungen ohne inhaltlichen "
                    "Fehler (Tippfehler, Ergänzungen)."),
    )
    changes_at = forms.SplitDateTimeField(
        label=_("Änderungen veröffentlichen am"),
        required=False,
        widget=AdminSplitDateTime,
        help_text=_("Nur für „Änderungen terminieren“: Dann gehen die Änderungen von selbst "
                    "online."),
    )
    workflow_comment = forms.CharField(
        label=_("Kommentar zum Arbeitsschritt"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Beim Zurückgeben Pflicht: Was fehlt noch? Die Autorin oder der Autor "
                    "sieht den Kommentar im Artikel."),
    )

    accessibility_override = forms.CharField(
        label=_("Barrierefreiheit: trotzdem veröffentlichen"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Nur für die Chefredaktion: Begründung, warum der Artikel trotz "
                    "schwerer Befunde der Barrierefreiheitsprüfung online gehen soll. Sie "
                    "steht im Verlauf des Artikels."),
    )

    class Meta:
        model = Article
        fields = [
            "kicker", "headline", "teaser", "body", "lead_image", "topics", "cities",
            "people", "organisations", "related", "published_at", "slug", "authors",
        ]
        field_classes = {"topics": CommaSeparatedTagField, "cities": CommaSeparatedTagField}
        widgets = {
            # Two lines, so a whole headline stays in view beside the side panel.
            "headline": forms.Textarea(attrs={"rows": 2}),
            "topics": TagSuggestInput("admin:articles_topic_suggest"),
            "cities": TagSuggestInput("admin:articles_city_suggest"),
        }

    def __init__(self, *args, user, transition=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.transition = transition or None
        self.conflict = None
        self.content = None
        # The typed text's accessibility findings, once the form was checked.
        self.accessibility_findings = None
        self.expected_version = self.instance.version
        self.fields["edit_version"].initial = self.instance.version
        self.working_copy = (
            livecopy.working_copy_of(self.instance) if self.instance.pk else None
        )
        if self.working_copy is not None:
            self.initial.update(revisions.form_initial(self.working_copy.data))
            self.initial["correction"] = self.working_copy.correction
        if self.working_copy is not None:
            self.initial["changes_at"] = self.working_copy.publish_at
        if "authors" in self.fields:
            self.fields["authors"].label_from_instance = person_name
        # Counted as one types (static/articles/admin/char-count.js).
        self.fields["headline"].widget.attrs["data-count-recommended"] = HEADLINE_RECOMMENDED
        self.fields["teaser"].widget.attrs["data-count-max"] = workflow.TEASER_MAX_LENGTH
        self.fields["teaser"].help_text = _(
            "Reiner Text, höchstens %(max)d Zeichen; erscheint in Listen und Feeds."
        ) % {"max": workflow.TEASER_MAX_LENGTH}
        if "published_at" in self.fields and not workflow.can_publish(user):
            # The publication time is part of publishing, which is the editors' step.
            self.fields["published_at"].disabled = True

    @staticmethod
    def fields_for_changes(article, user):
        """The fields that only changes to a published article have: its public
        correction note, and (for editors) the time the changes go live."""
        fields = []
        if article is not None and livecopy.is_protected(article):
            fields.append("correction")
            if article.status == Status.PUBLISHED and workflow.can_publish(user):
                fields.append("changes_at")
        return fields

    @staticmethod
    def fields_for_editors(user):
        """Fields only people who publish see."""
        return ["accessibility_override"] if workflow.can_publish(user) else []

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and not self.errors:
            self.content = self._typed_content(cleaned)
            self._merge_with_later_saves()
        if self.transition:
            self._check_step(cleaned)
        return cleaned

    def _typed_content(self, cleaned):
        """What the user typed, as a content document (articles.editorial.revisions)."""
        shown = self.working_copy.data if self.working_copy else revisions.snapshot(
            Article.objects.get(pk=self.instance.pk))
        content = revisions.content_from_values(cleaned, shown)
        if not content["slug"] and livecopy.is_protected(self.instance):
            content["slug"] = shown["slug"]  # a live address never changes by accident
        return content

    def clean_headline(self):
        """One line, whatever was pasted into the two-line field."""
        return " ".join(self.cleaned_data["headline"].split())

    def clean_edit_version(self):
        value = self.cleaned_data["edit_version"]
        return int(value) if value.isdigit() and len(value) < 10 else None

    def _merge_with_later_saves(self):
        started_from = self.cleaned_data.get("edit_version")
        article = Article.objects.get(pk=self.instance.pk)
        if started_from == article.version:
            return
        base = article.revisions.filter(version=started_from).first()
        theirs = livecopy.content_of(article)
        merged, conflicts = livecopy.merge(base.data if base else None, theirs, self.content)
        decided_against = self.data.get("_merge_version") == str(article.version)
        choices = {name: self.data.get(f"_merge_{name}") if decided_against else None
                   for name in conflicts}
        undecided = [name for name, choice in choices.items() if choice not in ("mine", "theirs")]
        if undecided:
            self._refuse_until_decided(article, started_from, base, theirs, conflicts, choices)
        for name, choice in choices.items():
            merged[name] = theirs[name] if choice == "theirs" else self.content[name]
        self.content = merged
        self.expected_version = article.version

    def _refuse_until_decided(self, article, started_from, base, theirs, conflicts, choices):
        # What the user typed is kept as a version of its own, whatever happens next.
        revisions.record(
            article, self.user, data={**self.content, "status": article.status},
            note=_("nicht gespeicherte Fassung (Bearbeitungskonflikt)"),
        )
        self.conflict = revisions.conflict_since(
            article, started_from, base.data if base else None, theirs, self.content,
            conflicts, choices,
        )
        # Text only the other person changed is shown as they left it: the form is the
        # merge as it would be saved.
        self.data = self.data.copy()
        for change in self.conflict.merged:
            if change.field in revisions.TEXT_FIELDS + ("body",):
                self.data[self.add_prefix(change.field)] = theirs[change.field]
        raise ValidationError(
            _("Während Sie den Artikel bearbeitet haben, hat %(who)s ihn gespeichert. Was nur "
              "eine Seite geändert hat, ist zusammengeführt. Bei %(count)d Feld(ern) haben "
              "beide geändert: Bitte wählen Sie dort jeweils eine Fassung und speichern Sie "
              "erneut. Ihre Eingaben sind erhalten."),
            code="edit_conflict",
            params={"who": self.conflict.who or _("jemand anderes"),
                    "count": len(conflicts)},
        )

    def step_time(self):
        """The time a scheduling step asks for: of the changes, or of the article."""
        if self.transition == Transition.SCHEDULE_CHANGES:
            return self.cleaned_data.get("changes_at")
        return self.cleaned_data.get("published_at")

    def _check_step(self, cleaned):
        content = {
            "headline": cleaned.get("headline", ""),
            "teaser": cleaned.get("teaser", ""),
            "body": cleaned.get("body", ""),
            "lead_image": cleaned.get("lead_image"),
            "topics": cleaned.get("topics") or [],
            "cities": cleaned.get("cities") or [],
            "slug": self.content["slug"] if self.content else cleaned.get("slug", ""),
        }
        self.accessibility_findings = workflow.accessibility_findings(self.instance, content)
        try:
            workflow.check(
                self.instance, self.transition, self.user, content=content,
                publish_at=self.step_time(),
                comment=cleaned.get("workflow_comment", ""),
                accessibility_override=cleaned.get("accessibility_override", ""),
            )
        except PermissionDenied as refusal:
            raise ValidationError(str(refusal), code="permission_denied") from refusal


class PictureField(forms.ImageField):
    """An upload checked by `articles.images.validate_upload` before anything opens it.

    Django's ImageField would call a picture past Pillow's decompression bomb limit
    broken rather than too large; and assigning a file to the model reads its size in
    pixels, which fails on such a file outright.
    """

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)  # none, empty or nameless
        if upload is not None:
            images.validate_upload(upload)
        return upload


class VersionedSluggedAdminForm(VersionedFormMixin, SluggedAdminForm):
    """People and organisations."""


class VersionedModelForm(VersionedFormMixin, forms.ModelForm):
    """Credits and teasers."""


class ImageAdminForm(VersionedFormMixin, forms.ModelForm):
    """An image with its credit: pick a known credit, or type a new one right here.

    Typing the photographer's name is what a journalist does with a fresh upload; a
    matching credit is reused, so one credit keeps serving many images.
    """

    credit_creator = forms.CharField(
        label=_("Urheber/in (neuer Bildnachweis)"), required=False, max_length=200,
        help_text=_("Nur ausfüllen, wenn oben kein vorhandener Bildnachweis gewählt ist."),
    )
    credit_rights_holder = forms.CharField(
        label=_("Rechteinhaber/Agentur"), required=False, max_length=200
    )
    credit_licence_type = forms.TypedChoiceField(
        label=_("Lizenzart"), required=False, choices=LicenceType.choices,
        initial=LicenceType.OTHER, empty_value=LicenceType.OTHER,
    )
    credit_licence = forms.CharField(
        label=_("Lizenzbezeichnung"), required=False, max_length=100,
        initial="Alle Rechte vorbehalten",
    )
    credit_valid_until = forms.DateField(
        label=_("Nutzbar bis"), required=False, widget=AdminDateWidget,
        help_text=ImageCredit._meta.get_field("valid_until").help_text,
    )

    class Meta:
        model = Image
        fields = ["file", "title", "alt_text", "decorative", "caption", "credit", "focal_x",
                  "focal_y"]
        field_classes = {"file": PictureField}
        help_texts = {"title": _("Nur intern, zum Wiederfinden im Bildarchiv. Leer: die "
                                 "Bildunterschrift oder der Dateiname.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "title" in self.fields:  # not when the picture is shown read-only
            self.fields["title"].required = False

    def clean_title(self):
        """An internal title nobody has to think of: the caption, else the file's name."""
        title = self.cleaned_data["title"].strip()
        if title:
            return title
        upload = self.cleaned_data.get("file") or self.instance.file
        fallback = self.data.get(self.add_prefix("caption"), "").strip() or (
            PurePath(getattr(upload, "name", "") or "").stem.replace("_", " "))
        return Truncator(fallback).chars(self.fields["title"].max_length) or _("Bild")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("credit") and cleaned.get("credit_creator", "").strip():
            raise ValidationError(
                _("Bitte entweder einen vorhandenen Bildnachweis wählen oder einen neuen "
                  "eintragen, nicht beides."),
                code="two_credits",
            )
        return cleaned

    def save(self, commit=True):
        creator = self.cleaned_data.get("credit_creator", "").strip()
        if creator and not self.cleaned_data.get("credit"):
            licence_type = self.cleaned_data.get("credit_licence_type") or LicenceType.OTHER
            # A Creative Commons licence is named and linked by its type alone.
            licence = "" if licence_type in CC_DEEDS else (
                self.cleaned_data.get("credit_licence", "").strip() or "Alle Rechte vorbehalten")
            self.instance.credit, _created = ImageCredit.objects.get_or_create(
                creator=creator,
                rights_holder=self.cleaned_data.get("credit_rights_holder", "").strip(),
                licence_type=licence_type,
                licence=licence,
                valid_until=self.cleaned_data.get("credit_valid_until"),
            )
        return super().save(commit)
