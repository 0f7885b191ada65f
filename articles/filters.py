"""The filters of the public article list; a filtered URL can be shared as it is."""

import django_filters
from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceField
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from articles import search
from articles.cache import generation
from articles.models import Article, City, Organisation, Person, Topic

QUERY_MAX_LENGTH = 200


def vocabulary(model):
    """Every topic or city by slug, as light instances; cached until content changes, so
    neither the <select> nor checking a chosen slug costs a query."""
    key = f"newsroom:vocabulary:{generation()}:{model._meta.model_name}"
    rows = cache.get(key)
    if rows is None:
        rows = list(model.objects.order_by("name").values_list("pk", "slug", "name"))
        cache.set(key, rows, settings.NEWSROOM_PAGE_CACHE_SECONDS)
    return {slug: model(pk=pk, slug=slug, name=name) for pk, slug, name in rows}


class VocabularySelect(forms.Select):
    """A <select> of hundreds of cities or topics, written directly.

    Django renders each <option> through a template of its own, which made the list
    page's filter form cost more than the rest of the page; the markup is the same.
    """

    def render(self, name, value, attrs=None, renderer=None):
        chosen = "" if value is None else str(value)
        options = format_html_join(
            "", "<option value=\"{}\"{}>{}</option>",
            ((key, " selected" if str(key) == chosen else "", label)
             for key, label in self.choices),
        )
        return format_html(
            "<select{}>{}</select>", flatatt(self.build_attrs(self.attrs, {**(attrs or {}),
                                                                          "name": name})),
            options,
        )


class VocabularyChoiceField(ModelChoiceField):
    """A topic or city chosen by slug, from the cached vocabulary."""

    widget = VocabularySelect

    def _vocabulary(self):
        if not hasattr(self, "_cached_vocabulary"):
            self._cached_vocabulary = vocabulary(self.queryset.model)
        return self._cached_vocabulary

    def _get_choices(self):
        return [("", self.empty_label), *((s, o.name) for s, o in self._vocabulary().items())]

    choices = property(_get_choices, ModelChoiceField.choices.fset)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self._vocabulary()[str(value)]
        except KeyError:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None


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
    # Thousands of people and organisations make no usable <select>: visitors arrive at
    # these filters from a person's or organisation's page, and the form carries them on.
    person = SlugChoiceFilter(
        subject="person", queryset=Person.objects.all(), label=_("Person"),
        widget=forms.HiddenInput,
    )
    organisation = SlugChoiceFilter(
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

    def filter_text(self, queryset, name, value):
        return search.search(queryset, value) if value.strip() else queryset

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
