import re

from django.db import migrations, models

# Credits typed before licences had a type: the Creative Commons licences the site links
# by name. Other versions (CC BY 2.0 ...) are other licences and stay "other".
CC_NAMES = {
    "cc-by-sa-4.0": re.compile(r"\bCC[ -]BY[ -]SA[ -]4\.0\b", re.IGNORECASE),
    "cc-by-4.0": re.compile(r"\bCC[ -]BY[ -]4\.0\b", re.IGNORECASE),
    "cc0-1.0": re.compile(r"\bCC0\b", re.IGNORECASE),
}


def recognise_cc(apps, schema_editor):
    ImageCredit = apps.get_model("articles", "ImageCredit")
    for credit in ImageCredit.objects.exclude(licence=""):
        for licence_type, name in CC_NAMES.items():
            if name.search(credit.licence):
                ImageCredit.objects.filter(pk=credit.pk).update(
                    licence_type=licence_type, licence="", licence_url="")
                break


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0011_vocabulary_redirects_places'),
    ]

    operations = [
        migrations.AddField(
            model_name='imagecredit',
            name='licence_type',
            field=models.CharField(choices=[('own', 'Eigenes Bild'), ('agency', 'Agenturbild'), ('press', 'Pressebild mit Nutzungsbedingungen'), ('cc-by-4.0', 'CC BY 4.0'), ('cc-by-sa-4.0', 'CC BY-SA 4.0'), ('cc0-1.0', 'CC0 1.0 (gemeinfrei)'), ('other', 'Andere Lizenz')], default='other', help_text='Bei Creative-Commons-Lizenzen verlinkt die Bildquelle die Lizenz von selbst; Bezeichnung und Lizenz-URL bleiben dann leer.', max_length=20, verbose_name='Lizenzart'),
        ),
        migrations.AddField(
            model_name='imagecredit',
            name='usage_note',
            field=models.TextField(blank=True, help_text='Intern: Auflagen der Lizenz, etwa „nur im Zusammenhang mit der Berichterstattung über die Messe“.', verbose_name='Nutzungshinweis'),
        ),
        migrations.AddField(
            model_name='imagecredit',
            name='valid_until',
            field=models.DateField(blank=True, help_text='Letzter Tag, an dem die Bilder gezeigt werden dürfen. Ab dem Tag danach verschwinden sie von allen öffentlichen Seiten; die Artikel bleiben online. Leer: unbefristet.', null=True, verbose_name='nutzbar bis'),
        ),
        migrations.AlterField(
            model_name='imagecredit',
            name='licence',
            field=models.CharField(blank=True, default='Alle Rechte vorbehalten', help_text='Zum Beispiel „Alle Rechte vorbehalten“ oder der Name der Nutzungsbedingungen.', max_length=100, verbose_name='Lizenzbezeichnung'),
        ),
        migrations.AddField(
            model_name='imagecredit',
            name='ends_at',
            field=models.DateTimeField(db_index=True, editable=False, null=True, verbose_name='Lizenz endet'),
        ),
        migrations.RunPython(recognise_cc, migrations.RunPython.noop),
    ]
