"""The two editorial groups and what each may do.

Redaktion (journalists) write and change articles, images, people, organisations and
tags; Chefredaktion (editors) may do everything in the newsroom, publishing included,
see failed logins and the security log, and reset a colleague's second factor. The
groups are made by migrations and brought up to date after every `migrate`
(post_migrate), so new models' permissions reach them and a flushed test database gets
them back.
"""

from django.contrib.auth.management import create_permissions

JOURNALISTS = "Redaktion"
EDITORS = "Chefredaktion"

JOURNALIST_PERMISSIONS = [
    f"{action}_{model}"
    for model in ("article", "image", "imagecredit", "person", "affiliation",
                  "organisation", "topic", "city", "newsletterissue", "issuearticle")
    for action in ("add", "change", "view")
] + [
    # Journalists may delete what they wrote while it is unpublished; the admin refuses
    # published and archived articles.
    "delete_article",
    "delete_affiliation",
    "view_teaser",
    # They prepare newsletter issues; sending one is the editors' (send_newsletterissue).
    "delete_issuearticle",
]
EDITOR_LOGIN_RECORD_PERMISSIONS = [
    "view_accessattempt", "delete_accessattempt", "view_accesslog", "view_accessfailurelog",
]
# newsroom/accounts: the security log, and the reset for a colleague who lost a device.
EDITOR_SECURITY_PERMISSIONS = ["view_securityevent", "reset_second_factor"]


def ensure_groups(apps):
    """Create the groups if missing and grant what each needs (never revoking extras)."""
    for label in ("articles", "axes", "accounts"):
        # Permissions are normally made after all migrations ran; the groups need them now.
        try:
            app_config = apps.get_app_config(label)
        except LookupError:  # not migrated yet: the post_migrate call will follow
            continue
        stub = getattr(app_config, "models_module", None) is None  # a migration's state
        if stub:
            app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        if stub:
            app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ours = Permission.objects.filter(content_type__app_label="articles")

    journalists, _ = Group.objects.get_or_create(name=JOURNALISTS)
    journalists.permissions.add(*ours.filter(codename__in=JOURNALIST_PERMISSIONS))

    editors, _ = Group.objects.get_or_create(name=EDITORS)
    editors.permissions.add(
        *ours,
        *Permission.objects.filter(
            content_type__app_label="axes", codename__in=EDITOR_LOGIN_RECORD_PERMISSIONS
        ),
        *Permission.objects.filter(
            content_type__app_label="accounts", codename__in=EDITOR_SECURITY_PERMISSIONS
        ),
    )


def update_groups_after_migrate(sender, apps=None, **kwargs):
    from django.apps import apps as installed_apps

    ensure_groups(apps or installed_apps)
