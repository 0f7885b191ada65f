"""The filters of the public article list; a filtered URL can be shared as it is."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import slug_re
from django.db.models import Value
from django.forms import renderers
from django.forms.models import ModelChoiceField
from django.forms.utils import flatatt
from django.utils.choices import BaseChoiceIterator
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from articles import search
from articles.cache import remember
from articles.models import Article, City, Organisation, Person, Topic
from articles.models.tags import State

QUERY_MAX_LENGTH = 200


def _vocabularies():
    """Topics and cities in one query (a UNION): the list page's budget of queries also
    pays for the main navigation on a cold cache."""
    found = {"topic": {}, "city": {}}
    rows = (
        Topic.objects.public().order_by().annotate(vocabulary=Value("topic")).values_list(
            "vocabulary", "pk", "slug", "name")
        .union(City.objects.public().order_by().annotate(vocabulary=Value("city")).values_list(
            "vocabulary", "pk", "slug", "name"), all=True)
        .order_by("name", "vocabulary")
    )
    for kind, pk, slug, name in rows:
        found[kind][slug] = (pk, name)
    return found


def vocabulary(model):
    """Every topic or city a public article is about as {slug: (pk, name)}, ordered by
    name; kept until content changes, so neither the <select> nor checking a chosen slug
    costs a query."""
    return remember("vocabularies", _vocabularies)[model._meta.model_name]


class VocabularySelect(forms.Select):
    """A <select> of hundreds of cities or topics, written directly.

    Django renders each <option> through a template of its own, which made the list
    page's filter form cost more than the rest of the page. The options are written
    once per vocabulary and kept with it; the markup is the same.
    """

    def render(self, name, value, attrs=None, renderer=None):
        field = self.choices.field  # VocabularyChoices know their field
        chosen = "" if value is None else escape(value)
        empty = (f'<option value=""{"" if chosen else " selected"}>'
                 f"{escape(field.empty_label)}</option>")
        options = field.options_html().replace(
            f'<option value="{chosen}">', f'<option value="{chosen}" selected>', 1
        )
        attrs = flatatt(self.build_attrs(self.attrs, {**(attrs or {}), "name": name}))
        return mark_safe(f"<select{attrs}>{empty}{options}</select>")  # noqa: S308 (escaped)


class VocabularyChoices(BaseChoiceIterator):
    """The <select>'s choices, read from the vocabulary when rendered. Being an iterator,
    they are passed on as they are, where Django would check a list of hundreds of
    choices each time a form is made."""

    def __init__(self, field):
        self.field = field

    def __iter__(self):
        yield "", self.field.empty_label
        for slug, (_pk, name) in self.field.vocabulary().items():
            yield slug, name


class VocabularyChoiceField(ModelChoiceField):
    """A topic or city chosen by slug, from the cached vocabulary."""

    widget = VocabularySelect
    iterator = VocabularyChoices

    def vocabulary(self):
        if not hasattr(self, "_vocabulary"):
            self._vocabulary = vocabulary(self.queryset.model)
        return self._vocabulary

    def options_html(self):
        """Every <option> but the empty one, none selected."""
        name = self.queryset.model._meta.model_name
        return remember(f"vocabulary-options:{name}", lambda: "".join(
            f'<option value="{escape(slug)}">{escape(label)}</option>'
            for slug, (_pk, label) in self.vocabulary().items()
        ))

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            pk, name = self.vocabulary()[str(value)]
        except KeyError:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None
        return self.queryset.model(pk=pk, slug=str(value), name=name)


class PublicSubjectField(ModelChoiceField):
    """A person or organisation chosen by slug, accepted only while a public article is
    about them (an embargoed name must not show as a filter). Asked when a value comes:
    building the public queryset for every list page's form cost more than the rest of
    the form."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        # Only a slug can name one; anything else (a NUL byte, which PostgreSQL refuses in
        # a query) is no choice.
        found = slug_re.match(str(value)) and (
            self.queryset.model.objects.public().filter(slug=str(value)).first())
        if not found:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return found


class SlugChoiceFilter(django_filters.ModelChoiceFilter):
    """Choose a tag, person or organisation by its slug, narrowing with EXISTS."""

    def __init__(self, *args, subject, **kwargs):
        self.subject = subject
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("method", self.filter_subject)
        super().__init__(*args, **kwargs)

    def filter_subject(self, queryset, name, value):
        return queryset.tagged(**{self.subject: value}) if value else queryset


class VocabularyFilter(SlugChoiceFilter):
    field_class = VocabularyChoiceField


class PublicSubjectFilter(SlugChoiceFilter):
    field_class = PublicSubjectField


class FilterForm(forms.Form):
    # Django's own widget templates, in their Jinja2 form: the list page renders this form
    # on every request, and Django's templates made it a fifth of the page's cost.
    default_renderer = renderers.Jinja2()


class ArticleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Suchbegriff"),
        method="filter_text",
        max_length=QUERY_MAX_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    city = VocabularyFilter(
        subject="city", queryset=City.objects.all(), label=_("Kommune"),
        empty_label=_("alle Kommunen"),
    )
    topic = VocabularyFilter(
        subject="topic", queryset=Topic.objects.all(), label=_("Thema"),
        empty_label=_("alle Themen"),
    )
    land = django_filters.ChoiceFilter(
        choices=State.choices, label=_("Bundesland"), empty_label=_("alle Bundesländer"),
        method="filter_land",
    )
    # Thousands of people and organisations make no usable <select>: visitors arrive at
    # these filters from a person's or organisation's page, and the form carries them on.
    person = PublicSubjectFilter(
        subject="person", queryset=Person.objects.all(), label=_("Person"),
        widget=forms.HiddenInput,
    )
    organisation = PublicSubjectFilter(
        subject="organisation", queryset=Organisation.objects.all(), label=_("Organisation"),
        widget=forms.HiddenInput,
    )
    date_from = django_filters.DateFilter(
        field_name="published_at", lookup_expr="date__gte", label=_("von"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = django_filters.DateFilter(
        field_name="published_at", lookup_expr="date__lte", label=_("bis"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    class Meta:
        model = Article
        fields = []
        form = FilterForm

    def filter_land(self, queryset, name, value):
        return queryset.in_state(value) if value else queryset

    def filter_text(self, queryset, name, value):
        """Nothing yet: `filter_queryset` searches last, among what the other filters
        leave, as the search keeps only its newest matches."""
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        return search.search(queryset, self.search_text) if self.search_text else queryset

    @property
    def search_text(self):
        """The search words, when the visitor searched; for snippets and the page title."""
        return self.form.cleaned_data.get("q", "").strip() if self.is_valid() else ""

    @property
    def qs(self):
        """No results for an invalid form: an unknown city must not list everything."""
        if self.is_bound and not self.is_valid():
            return self.queryset.none()
        return super().qs

    def active_subjects(self):
        """The chosen person and organisation, shown as removable chips above the list."""
        if not self.is_valid():
            return []
        data = self.form.cleaned_data
        return [data[name] for name in ("person", "organisation") if data.get(name)]
