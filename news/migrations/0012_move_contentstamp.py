from django.db import migrations


def carry_stamp_to_freshness(apps, schema_editor):
    """Copy the stamp's row, so pages keep their Last-Modified across the upgrade."""
    old = apps.get_model("news", "ContentStamp")
    new = apps.get_model("freshness", "ContentStamp")
    for stamp in old.objects.all():
        new.objects.update_or_create(pk=stamp.pk, defaults={"changed_at": stamp.changed_at})


def carry_stamp_back(apps, schema_editor):
    old = apps.get_model("news", "ContentStamp")
    new = apps.get_model("freshness", "ContentStamp")
    for stamp in new.objects.all():
        old.objects.update_or_create(pk=stamp.pk, defaults={"changed_at": stamp.changed_at})


class Migration(migrations.Migration):
    """The content stamp is the site's, not news's: it moves to the freshness app.

    freshness makes its own table (it depends on nothing, so it cannot wait for this one);
    the row is copied over, then news's table goes. The stamp's permissions follow its
    content type in imroc_site 0005.
    """

    dependencies = [
        ("news", "0011_comments_open"),
        ("freshness", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(carry_stamp_to_freshness, carry_stamp_back),
        migrations.DeleteModel(name="ContentStamp"),
    ]
