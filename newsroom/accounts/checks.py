from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def second_factor_in_production(app_configs, **kwargs):
    if settings.PRODUCTION and settings.NEWSROOM_MFA == "optional":
        return [Warning(
            "NEWSROOM_MFA=optional in production: staff can sign in with a password alone.",
            hint="Unset NEWSROOM_MFA (the default in production is 'required').",
            id="newsroom.W001",
        )]
    return []
