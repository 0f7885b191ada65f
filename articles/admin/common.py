from django import forms
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db import models

from articles.models import StaleSave

# Editors paste addresses without a scheme; today's sites answer on https.
URL_FIELD_OVERRIDES = {models.URLField: {"assume_scheme": "https"}}


def search_text(text):
    """`text` without NUL characters, which nobody types and PostgreSQL refuses to compare."""
    return text.replace("\x00", "")


def is_key(model, field_name, value):
    """Whether `value` can be the `field_name` (None: the primary key) of a `model` row,
    so that the database can be asked about it at all."""
    field = model._meta.get_field(field_name) if field_name else model._meta.pk
    try:
        # The validators hold the database's range: SQLite cannot even compare 10**20.
        field.run_validators(field.to_python(value))
    except ValidationError:
        return False
    return True


def without_related_buttons(form, name, *, keep=()):
    """Take the add/change/delete/view buttons off the related-object field `name` of a
    ModelAdmin form class, but those in `keep` ("change", "view", ...)."""
    if name not in form.base_fields:  # shown read-only
        return
    widget = form.base_fields[name].widget
    for button in ("add", "change", "delete", "view"):
        if button not in keep:
            setattr(widget, f"can_{button}_related", False)


class CheckedChoicesMixin:
    """Django's autocomplete widgets look up the chosen values to label them, also when
    the form is shown again with an error; a value that cannot be a key of the related
    model (a POST made by hand) would fail that lookup with a server error instead of
    leaving the form's "invalid choice" to say what is wrong."""

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        field_name = getattr(remote, "field_name", None)
        keys = [v for v in value if is_key(remote.model, field_name, v)]
        return super().optgroups(name, keys, attr)


class CheckedAutocompleteSelect(CheckedChoicesMixin, AutocompleteSelect):
    pass


class CheckedAutocompleteSelectMultiple(CheckedChoicesMixin, AutocompleteSelectMultiple):
    pass


class CheckedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses a value that cannot be a key before Django asks the database about all
    values at once, which fails outright on SQLite for a number past 64 bits."""

    def clean(self, value):
        for pk in value if isinstance(value, list | tuple) else ():
            if not is_key(self.queryset.model, self.to_field_name, pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super().clean(value)


class NewsroomAdminMixin:
    """What every admin of the newsroom adds to Django's: requests no admin page sends
    (forms, lists and lookups made by hand) get form errors, the plain list or no
    results, never a server error.
    """

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        kwargs.setdefault("form_class", CheckedModelMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_changelist_instance(self, request):
        # The admin answers bad lookups with the plain list. Django's filters hand a NUL
        # on to PostgreSQL, which refuses it, and its date drill-down fails on a year
        # past 9998 (Django ticket #37357, fixed in later releases).
        if any("\x00" in name + "".join(values) for name, values in request.GET.lists()):
            raise IncorrectLookupParameters("NUL in the query string")
        try:
            return super().get_changelist_instance(request)
        except (ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error

    def get_search_results(self, request, queryset, search_term):
        # The changelist's search form refuses NUL itself; the autocomplete's ?term= not.
        return super().get_search_results(request, queryset, search_text(search_term))


class VersionedAdminMixin:
    """Saves a Versioned row only from the version its form was opened at (see
    articles.admin.forms.VersionedFormMixin); a save that loses the race in between is
    handled again from the top and so shows the refusal with the typed values."""

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], "edit_version"]}), *rest]

    def save_model(self, request, obj, form, change):
        if change:
            # Without a version from the form (a script's POST), from the one this
            # request loaded.
            expected = form.cleaned_data.get("edit_version")
            obj.claim_version(obj.version if expected is None else expected)
        super().save_model(request, obj, form, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StaleSave:
            return super().changeform_view(request, object_id, form_url, extra_context)
