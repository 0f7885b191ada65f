"""Renditions move from renditions/<image id>/ to a folder named after the original's
random name (articles.models.images.rendition_folder), which nobody can guess."""

from pathlib import PurePath

from django.db import migrations

from articles.models.images import rendition_folder


def move_renditions(apps, schema_editor):
    Rendition = apps.get_model("articles", "Rendition")
    storage = Rendition._meta.get_field("file").storage
    for rendition in Rendition.objects.select_related("image").iterator():
        old = rendition.file.name
        new = f"renditions/{rendition_folder(rendition.image.file.name)}/{PurePath(old).name}"
        if old == new:
            continue
        if storage.exists(old):
            with storage.open(old, "rb") as content:
                new = storage.save(new, content)
            storage.delete(old)
        Rendition.objects.filter(pk=rendition.pk).update(file=new)


class Migration(migrations.Migration):
    dependencies = [("articles", "0007_livecopy_trash")]

    operations = [migrations.RunPython(move_renditions, migrations.RunPython.noop)]
