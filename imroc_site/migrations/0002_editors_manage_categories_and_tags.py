from django.db import migrations

from imroc_site.migrations import _groups


class Migration(migrations.Migration):
    """Editors also manage what news gained since: categories, redirects, revisions, tags."""

    dependencies = [
        ("imroc_site", "0001_staff_groups"),
        ("news", "0004_category_required"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(_groups.sync_groups, migrations.RunPython.noop)]
