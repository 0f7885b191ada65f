from django.db import models

# Editors paste addresses without a scheme; today's sites answer on https.
URL_FIELD_OVERRIDES = {models.URLField: {"assume_scheme": "https"}}
