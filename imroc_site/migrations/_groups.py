"""Staff groups and the apps whose every permission they hold, for data migrations."""

from django.contrib.auth.management import create_permissions

GROUPS = {
    # Write, schedule and publish; upload papers. The content stamp (freshness) they hold as
    # they did when it was news's: it is not in the admin, and saves keep it anyway.
    "Editors": ["news", "documents", "taggit", "freshness"],
    "Moderators": ["comments"],  # approve, unapprove and mark replies as spam
}


def sync_groups(apps, schema_editor, groups=GROUPS):
    """Give each group every permission of its apps, and no other."""
    # Permissions are normally made after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, app_labels in groups.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(Permission.objects.filter(content_type__app_label__in=app_labels))
