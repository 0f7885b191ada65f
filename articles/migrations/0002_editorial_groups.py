"""The two editorial groups: Redaktion (journalists) and Chefredaktion (editors)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

JOURNALIST_PERMISSIONS = [
    f"{action}_{model}"
    for model in ("article", "image", "imagecredit", "person", "affiliation",
                  "organisation", "topic", "city")
    for action in ("add", "change", "view")
] + [
    # Journalists may delete what they wrote while it is unpublished; the admin refuses
    # published and archived articles.
    "delete_article",
    "delete_affiliation",
    "view_teaser",
]


def create_groups(apps, schema_editor):
    # Permissions are normally made after all migrations ran; the groups need them now.
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ours = Permission.objects.filter(content_type__app_label="articles")

    journalists, _ = Group.objects.get_or_create(name="Redaktion")
    journalists.permissions.set(ours.filter(codename__in=JOURNALIST_PERMISSIONS))

    editors, _ = Group.objects.get_or_create(name="Chefredaktion")
    editors.permissions.set(ours)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=["Redaktion", "Chefredaktion"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
