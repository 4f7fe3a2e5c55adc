from django.db import migrations

from imroc_site.migrations import _groups


class Migration(migrations.Migration):
    """Editors also manage papers' earlier versions and download statistics."""

    dependencies = [
        ("imroc_site", "0002_editors_manage_categories_and_tags"),
        ("documents", "0003_papers_library"),
    ]

    operations = [migrations.RunPython(_groups.sync_groups, migrations.RunPython.noop)]
