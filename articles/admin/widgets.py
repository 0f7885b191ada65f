"""Admin widgets backed by the small scripts in static/articles/admin/."""

from django import forms
from django.urls import reverse


class SlugInput(forms.TextInput):
    """A slug field that follows another field, the way `german_slugify` spells it.

    Django's prepopulated_fields script drops umlauts ("massstabe"); ours writes them out
    ("massstaebe") and stops following once someone edits the slug by hand.
    """

    def __init__(self, source_field, attrs=None):
        super().__init__(attrs)
        self.source_field = source_field

    class Media:
        js = ["articles/admin/slug.js"]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-slug-source"] = f"id_{self.source_field}"
        return context


class TagSuggestInput(forms.TextInput):
    """The comma-separated tag input, with suggestions from an admin JSON view as one types.

    Tags show as the editors type them, one name per comma ("Smart City, Verkehr"), not
    quoted the way taggit writes them; only a name holding a comma needs its quotes.
    """

    def __init__(self, url_name, attrs=None):
        super().__init__({"class": "vTextField", **(attrs or {})})
        self.url_name = url_name

    class Media:
        css = {"all": ["articles/admin/tag-suggest.css"]}
        js = ["articles/admin/tag-suggest.js"]

    def format_value(self, value):
        if value is not None and not isinstance(value, str):
            names = sorted(tag.name for tag in value)
            value = ", ".join(f'"{name}"' if "," in name else name for name in names)
        return super().format_value(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # Reversed at render time: the admin's URLs are not loaded when forms are defined.
        context["widget"]["attrs"]["data-suggest-url"] = reverse(self.url_name)
        return context
