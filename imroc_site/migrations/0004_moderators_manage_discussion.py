from django.db import migrations

from imroc_site.migrations import _groups


class Migration(migrations.Migration):
    """Moderators also edit the discussion rules and their own email preferences."""

    dependencies = [
        ("imroc_site", "0003_editors_manage_paper_versions"),
        ("comments", "0002_threads_rules_and_preferences"),
    ]

    operations = [migrations.RunPython(_groups.sync_groups, migrations.RunPython.noop)]
