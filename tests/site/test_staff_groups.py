"""The staff groups made by the migrations: what each holds, and what each reaches."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from tests.factories import make_staff

pytestmark = pytest.mark.django_db


def _codenames(group_name):
    return set(Group.objects.get(name=group_name).permissions.values_list("codename", flat=True))


def test_groups_exist_after_migrate_with_exactly_their_permissions():
    # No permission on posts' history of its own: it is kept by django-reversion, and its pages
    # ask for the permissions on posts.
    assert _codenames("Editors") == {
        f"{action}_{model}"
        for action in ("add", "change", "delete", "view")
        for model in (
            "post",
            "attachment",
            "category",
            "slugredirect",
            "contentstamp",  # not in the admin: kept by saves, so harmless
            "document",
            "documentversion",
            "downloadday",
            "tag",
            "taggeditem",
        )
    }
    assert _codenames("Moderators") == {
        f"{action}_{model}"
        for action in ("add", "change", "delete", "view")
        for model in ("comment", "discussionsettings", "moderatorpreference")
    }


@pytest.mark.parametrize(
    "group, allowed, refused",
    [
        ("Editors", ["news_post", "documents_document"], ["comments_comment"]),
        ("Moderators", ["comments_comment"], ["news_post", "documents_document"]),
    ],
)
def test_each_group_reaches_only_its_own_part_of_the_admin(
    client, django_user_model, group, allowed, refused
):
    client.force_login(make_staff(django_user_model, group))
    for model in allowed:
        assert client.get(reverse(f"admin:{model}_changelist")).status_code == 200
    for model in refused:
        assert client.get(reverse(f"admin:{model}_changelist")).status_code == 403
