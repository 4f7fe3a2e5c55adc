from django.db import migrations


def create_settings_row(apps, schema_editor):
    # Made here so that pages read the rules with one query and never write on a GET.
    apps.get_model("comments", "DiscussionSettings").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("comments", "0002_threads_rules_and_preferences")]

    operations = [migrations.RunPython(create_settings_row, migrations.RunPython.noop)]
