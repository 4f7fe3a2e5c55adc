from django.db import migrations

from imroc_site.migrations import _groups

# The groups as they were first made; later migrations widen Editors to what news gained.
FIRST_GROUPS = {"Editors": ["news", "documents"], "Moderators": ["comments"]}


def create_groups(apps, schema_editor):
    _groups.sync_groups(apps, schema_editor, groups=FIRST_GROUPS)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=FIRST_GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("news", "0001_initial"),
        ("documents", "0001_initial"),
        ("comments", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
