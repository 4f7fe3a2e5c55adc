from django.db import migrations

from imroc_site.migrations import _groups


class Migration(migrations.Migration):
    """Editors also hold the post form's autosaved drafts (news.Autosave), as they hold every
    news permission: not in the admin, kept by the form as they type."""

    dependencies = [
        ("imroc_site", "0005_content_stamp_moved_to_freshness"),
        ("news", "0017_editor_autosave"),
    ]

    operations = [migrations.RunPython(_groups.sync_groups, migrations.RunPython.noop)]
