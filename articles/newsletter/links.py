"""The signed confirmation link: made for the mail, read back when it is followed."""

from datetime import timedelta

from django.core import signing

CONFIRMATION_MAX_AGE = timedelta(days=7)
SALT = "articles.newsletter.confirm"


def confirmation_token(subscriber):
    return signing.dumps(subscriber.key, salt=SALT)


def key_of(token):
    """The subscriber key a token names; signing.SignatureExpired or BadSignature."""
    return signing.loads(token, salt=SALT, max_age=CONFIRMATION_MAX_AGE)
