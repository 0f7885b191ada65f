"""German slugs: "Maßstäbe" becomes "massstaebe", "Lübeck" becomes "luebeck".

Django's slugify drops umlauts to their base letter ("lubeck"), which German readers
find wrong; the conventional transliteration spells them out first.
"""

from django.utils.text import slugify

GERMAN_TRANSLITERATION = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ẞ": "SS"}
)


def german_slugify(value, max_length=None):
    slug = slugify(str(value).translate(GERMAN_TRANSLITERATION))
    if max_length:
        slug = slug[:max_length].rstrip("-")
    return slug


def unique_slug(model, value, *, instance_pk=None, max_length=100, reserved=None):
    """A German slug for `value` that no other row of `model` uses yet ("-2", "-3" ...).

    `reserved` is a further queryset of slug strings in use, such as old article URLs.
    """
    field = "slug"
    base = german_slugify(value, max_length=max_length - 4) or "eintrag"
    taken = set(
        model._default_manager.filter(**{f"{field}__startswith": base})
        .exclude(pk=instance_pk)
        .values_list(field, flat=True)
    )
    if reserved is not None:
        taken.update(slug for slug in reserved if slug.startswith(base))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug
