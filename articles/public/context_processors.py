from django.conf import settings
from django.utils.translation import gettext as _


def site(request):
    """The site's name and tagline, for the header, titles and structured data."""
    return {
        "site_name": settings.NEWSROOM_SITE_NAME,
        "site_tagline": settings.NEWSROOM_SITE_TAGLINE
        or _("Nachrichten zur Digitalisierung der Kommunen"),
    }
