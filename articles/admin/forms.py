"""Admin forms: the article form journalists write in, and the forms for named things."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from taggit.forms import TagField

from articles import images
from articles.admin.widgets import SlugInput, TagSuggestInput
from articles.editorial import revisions, workflow
from articles.models import Article, Image, ImageCredit
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


class ArticleAdminForm(SluggedAdminForm):
    """The article form. It needs the user and the workflow step the button asked for.

    The status is never a form field: it changes only through `articles.editorial.workflow`, when
    the admin takes the step named by the pressed button after saving the content. The
    form checks that step against the content as typed, so a refused step saves nothing.
    It also carries the version the user started from, so a save over someone else's
    newer save is refused (optimistic locking; the model enforces it on the write).
    """

    slug_source = "headline"
    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    workflow_comment = forms.CharField(
        label=_("Kommentar zum Arbeitsschritt"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Beim Zurückgeben Pflicht: Was fehlt noch? Die Autorin oder der Autor "
                    "sieht den Kommentar im Artikel."),
    )

    class Meta:
        model = Article
        fields = [
            "kicker", "headline", "teaser", "body", "lead_image", "topics", "cities",
            "people", "organisations", "related", "published_at", "slug", "authors",
        ]
        field_classes = {"topics": CommaSeparatedTagField, "cities": CommaSeparatedTagField}
        widgets = {
            "topics": TagSuggestInput("admin:articles_topic_suggest"),
            "cities": TagSuggestInput("admin:articles_city_suggest"),
        }

    def __init__(self, *args, user, transition=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.transition = transition or None
        self.conflict = None
        self.fields["edit_version"].initial = self.instance.version
        if "published_at" in self.fields and not workflow.can_publish(user):
            # The publication time is part of publishing, which is the editors' step.
            self.fields["published_at"].disabled = True

    def clean(self):
        cleaned = super().clean()
        self._check_version()
        if self.transition:
            self._check_step(cleaned)
        return cleaned

    def _check_version(self):
        if self.instance.pk is None:
            return
        started_from = self.cleaned_data.get("edit_version")
        current = Article.objects.filter(pk=self.instance.pk).values_list("version", flat=True)
        current = current.first()
        if started_from == current:
            return
        self.conflict = revisions.changes_since(self.instance, started_from)
        # The next save starts from the current version, once the user has merged by hand.
        self.data = self.data.copy()
        self.data[self.add_prefix("edit_version")] = current
        raise ValidationError(
            _("Während Sie den Artikel bearbeitet haben, hat %(who)s ihn gespeichert. Ihre "
              "Eingaben sind unten erhalten; was die andere Person geändert hat, steht "
              "darüber. Bitte übernehmen Sie, was davon bleiben soll, und speichern Sie "
              "erneut."),
            code="edit_conflict",
            params={"who": self.conflict.who or _("jemand anderes")},
        )

    def _check_step(self, cleaned):
        content = {
            "headline": cleaned.get("headline", ""),
            "teaser": cleaned.get("teaser", ""),
            "body": cleaned.get("body", ""),
            "lead_image": cleaned.get("lead_image"),
            "topics": cleaned.get("topics") or [],
            "cities": cleaned.get("cities") or [],
        }
        try:
            workflow.check(
                self.instance, self.transition, self.user, content=content,
                publish_at=cleaned.get("published_at"),
                comment=cleaned.get("workflow_comment", ""),
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


class ImageAdminForm(forms.ModelForm):
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
    credit_licence = forms.CharField(
        label=_("Lizenz"), required=False, max_length=100, initial="Alle Rechte vorbehalten"
    )

    class Meta:
        model = Image
        fields = ["file", "title", "alt_text", "decorative", "caption", "credit", "focal_x",
                  "focal_y"]
        field_classes = {"file": PictureField}

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
            self.instance.credit, _created = ImageCredit.objects.get_or_create(
                creator=creator,
                rights_holder=self.cleaned_data.get("credit_rights_holder", "").strip(),
                licence=self.cleaned_data.get("credit_licence", "").strip()
                or "Alle Rechte vorbehalten",
            )
        return super().save(commit)
