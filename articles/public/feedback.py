"""Readers report barriers: the feedback form of the accessibility statement, and its mail.

BITV 2.0 asks for a way to tell the site about barriers; the message goes by mail to the
editors, who answer from their own mailbox.
"""

import logging
from smtplib import SMTPException

from django import forms
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

MESSAGE_MAX_LENGTH = 5000

logger = logging.getLogger(__name__)


class FeedbackForm(forms.Form):
    name = forms.CharField(label=_("Ihr Name (freiwillig)"), max_length=200, required=False)
    email = forms.EmailField(
        label=_("Ihre E-Mail-Adresse (freiwillig)"),
        required=False,
        help_text=_("Nur wenn Sie eine Antwort wünschen."),
    )
    message = forms.CharField(
        label=_("Ihre Nachricht"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Welche Seite, was hat nicht funktioniert, welche Hilfsmittel nutzen Sie?"),
        error_messages={"required": _("Bitte schreiben Sie uns eine Nachricht.")},
    )
    # A trap for spam robots, which fill in every field: people never see it (the page
    # hides it with CSS, which also keeps it out of screen readers and the tab order).
    website = forms.CharField(
        label=_("Bitte dieses Feld leer lassen"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def is_spam(self):
        return bool(self.cleaned_data.get("website"))

    def send(self):
        """Mail the message to the editors; True when it is on its way. Call after is_valid().

        A robot's post is dropped without a word, so the robot learns nothing from the
        answer. When the mail server fails, the form gets an error and keeps the text, so
        the reader need not type it again.
        """
        if self.is_spam():
            return True
        data = self.cleaned_data
        message = EmailMessage(
            subject=str(_("Rückmeldung zur Barrierefreiheit")),
            body=render_to_string("pages/feedback_mail.txt", data),
            to=[settings.NEWSROOM_EDITORS_EMAIL],
            reply_to=[data["email"]] if data["email"] else None,
        )
        try:
            message.send()
        except (OSError, SMTPException):
            logger.exception("Could not mail accessibility feedback to the editors")
            self.add_error(None, _(
                "Ihre Nachricht konnte gerade nicht gesendet werden. Bitte versuchen Sie es "
                "später noch einmal oder schreiben Sie uns eine E-Mail."
            ))
            return False
        return True
