from django.db import migrations

from imroc_site.migrations import _groups


def _move_content_type(apps, source: str, target: str) -> None:
    """Relabel the stamp's content type, so its permissions and their holders follow it."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    moving = ContentType.objects.filter(app_label=source, model="contentstamp")
    if ContentType.objects.filter(app_label=target, model="contentstamp").exists():
        moving.delete()  # the target's own already stands (made by an earlier sync): keep one
    else:
        moving.update(app_label=target)
    ContentType.objects.clear_cache()


def to_freshness(apps, schema_editor):
    _move_content_type(apps, "news", "freshness")
    _groups.sync_groups(apps, schema_editor)


def back_to_news(apps, schema_editor):
    _move_content_type(apps, "freshness", "news")


class Migration(migrations.Migration):
    """The content stamp moved from news to freshness: Editors keep its permissions."""

    dependencies = [
        ("imroc_site", "0004_moderators_manage_discussion"),
        ("news", "0012_move_contentstamp"),
        ("freshness", "0001_initial"),
    ]

    operations = [migrations.RunPython(to_freshness, back_to_news)]
