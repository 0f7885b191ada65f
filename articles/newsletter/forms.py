"""The reader's forms: signing up, and changing what they receive."""

from django import forms
from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from articles.models import City, Frequency, Organisation, Person, Topic
from articles.models.tags import PlaceKind

from .subscriptions import FOLLOWS

# Kreise and Länder are official names, never under embargo: they may be followed before
# any article is about them. Every other subject only while a public article is about it.
REGIONS = (PlaceKind.DISTRICT, PlaceKind.STATE, PlaceKind.CITY_STATE)
# ?kommune=kaiserslautern on the sign-up page comes from "Per E-Mail folgen".
PREFILL = {"kommune": "cities", "thema": "topics", "person": "people",
           "organisation": "organisations"}


def _choices():
    return {
        "cities": (City.objects.public() | City.objects.filter(kind__in=REGIONS))
        .distinct().order_by("name"),
        "topics": Topic.objects.public().order_by("name"),
        "people": Person.objects.public().order_by("name"),
        "organisations": Organisation.objects.public().order_by("name"),
    }


class FollowForm(forms.Form):
    wants_newsletter = forms.BooleanField(
        label=_("Newsletter der Redaktion (etwa einmal pro Woche)"), required=False)
    cities = forms.ModelMultipleChoiceField(
        label=_("Kommunen, Kreise und Länder"), queryset=City.objects.none(), required=False,
        help_text=_("Ein Kreis oder Land schließt alle Kommunen darin ein. Mehrere mit Strg "
                    "oder ⌘ auswählen."))
    topics = forms.ModelMultipleChoiceField(label=_("Themen"), queryset=Topic.objects.none(),
                                            required=False)
    people = forms.ModelMultipleChoiceField(label=_("Personen"),
                                            queryset=Person.objects.none(), required=False)
    organisations = forms.ModelMultipleChoiceField(
        label=_("Organisationen"), queryset=Organisation.objects.none(), required=False)
    frequency = forms.ChoiceField(
        label=_("Benachrichtigungen kommen"), choices=Frequency.choices,
        initial=Frequency.DAILY, widget=forms.RadioSelect,
        help_text=_("Höchstens eine E-Mail je Versand, mit allen neuen Meldungen: sofort "
                    "gebündelt, täglich um 7 Uhr oder montags um 7 Uhr."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, queryset in _choices().items():
            self.fields[name].queryset = queryset
            # Chosen by slug, so that a link's ?kommune=kaiserslautern preselects without
            # a query of its own, and an unknown slug simply matches nothing.
            self.fields[name].to_field_name = "slug"
            self.fields[name].widget.attrs["size"] = 6

    def clean(self):
        data = super().clean()
        if not data.get("wants_newsletter") and not any(data.get(f) for f in FOLLOWS):
            raise forms.ValidationError(
                _("Bitte wählen Sie den Newsletter oder mindestens eine Kommune, ein Thema, "
                  "eine Person oder eine Organisation."))
        return data

    def follows(self):
        return {field: self.cleaned_data[field] for field in FOLLOWS}

    def followed_names(self):
        return [str(s) for field in FOLLOWS for s in self.cleaned_data[field]]

    @staticmethod
    def prefill(query):
        """Initial follows from the query string (slugs); unknown ones match nothing."""
        return {field: query.getlist(parameter)[:20] for parameter, field in PREFILL.items()}


class SubscribeForm(FollowForm):
    email = forms.EmailField(label=_("Ihre E-Mail-Adresse"), max_length=254)
    consent = forms.BooleanField(label=_("Einwilligung erteilen"), required=True, error_messages={
        "required": _("Bitte willigen Sie ein, damit wir Ihnen E-Mails schicken dürfen.")})
    # The spam trap: robots fill it in, people never meet it.
    website = forms.CharField(
        label=_("Bitte dieses Feld leer lassen"), required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))

    field_order = ["email", "wants_newsletter", "cities", "topics", "people",
                   "organisations", "frequency", "consent", "website"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].help_text = format_html(
            _('Ich willige ein, dass {site} mir die gewählten E-Mails schickt und meine '
              'Adresse dafür speichert. Ich kann jederzeit mit dem Link in jeder E-Mail '
              'abbestellen und die Löschung meiner Daten verlangen. Mehr in der '
              '<a href="{privacy}">Datenschutzerklärung</a>.'),
            site=settings.NEWSROOM_SITE_NAME, privacy=settings.NEWSLETTER_PRIVACY_URL)

    def is_spam(self):
        return bool(self.data.get("website"))
