"""The staff groups made by the migrations: what each holds, and what each reaches."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from news.models import Post, SlugRedirect
from tests.factories import make_post, make_staff

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
            "autosave",  # not in the admin: the post form keeps it as they type
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


MACHINERY = [
    "news_slugredirect",
    "django_tasks_database_dbtaskresult",
    "axes_accessattempt",
    "axes_accesslog",
    "axes_accessfailurelog",
    "otp_totp_totpdevice",
    "auth_user",
    "auth_group",
]


@pytest.mark.parametrize("group", ["Editors", "Moderators"])
def test_machinery_is_hidden_from_editors_and_moderators(client, django_user_model, group):
    post = make_post(title="Moved post")
    redirect = SlugRedirect.objects.create(old_slug="old-address", post=post)
    client.force_login(make_staff(django_user_model, group))

    home = client.get(reverse("admin:index")).content.decode()
    for model in MACHINERY:
        assert reverse(f"admin:{model}_changelist") not in home
        assert client.get(reverse(f"admin:{model}_changelist")).status_code == 403
    assert "redirect" not in home.lower()
    for page in ("change", "delete"):
        url = reverse(f"admin:news_slugredirect_{page}", args=[redirect.pk])
        assert client.get(url).status_code == 403


def test_superusers_still_see_the_machinery(client, admin_user):
    client.force_login(admin_user)

    home = client.get(reverse("admin:index")).content.decode()
    for model in MACHINERY:
        assert reverse(f"admin:{model}_changelist") in home
        assert client.get(reverse(f"admin:{model}_changelist")).status_code == 200


def test_editors_still_delete_a_moved_post_and_read_its_history(client, django_user_model):
    post = make_post(title="Moved post")
    SlugRedirect.objects.create(old_slug="old-address", post=post)
    client.force_login(make_staff(django_user_model, "Editors"))

    assert client.get(reverse("admin:news_post_history", args=[post.pk])).status_code == 200
    confirm = client.get(reverse("admin:news_post_delete", args=[post.pk]))
    assert "permission" not in confirm.content.decode()  # nothing they may not delete
    response = client.post(reverse("admin:news_post_delete", args=[post.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not Post.objects.filter(pk=post.pk).exists()
    assert not SlugRedirect.objects.exists()
