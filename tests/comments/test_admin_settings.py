"""The single-row admin pages: the discussion settings and each moderator's email preference."""

import pytest
from django.urls import reverse

from comments.models import DiscussionSettings, ModeratorPreference
from tests.factories import make_staff

pytestmark = pytest.mark.django_db


# --- Discussion settings and moderators' own preferences -----------------------------------


def test_discussion_settings_open_straight_on_the_one_row(client, moderator):
    DiscussionSettings.objects.all().delete()  # as on a site that never opened them

    response = client.get(reverse("admin:comments_discussionsettings_changelist"))

    assert response.url == reverse("admin:comments_discussionsettings_change", args=[1])
    assert client.get(response.url).status_code == 200
    assert client.get(reverse("admin:comments_discussionsettings_add")).status_code == 403
    delete = reverse("admin:comments_discussionsettings_delete", args=[1])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert DiscussionSettings.objects.count() == 1


def test_moderators_change_the_discussion_settings(client, moderator):
    client.post(
        reverse("admin:comments_discussionsettings_change", args=[DiscussionSettings.current().pk]),
        {
            "hold_for_moderation": "on",
            "max_links": "1",
            "hold_words": "casino",
            "spam_words": "",
            "close_after_days": "30",
            "notify_post_author": "on",
        },
    )
    rules = DiscussionSettings.current()
    assert (rules.max_links, rules.close_after_days, rules.hold_word_list) == (1, 30, ["casino"])


def test_each_moderator_edits_only_their_own_email_preference(client, moderator, django_user_model):
    other = make_staff(django_user_model, "Moderators", "other")
    theirs = ModeratorPreference.objects.create(user=other, delivery="none")

    response = client.get(reverse("admin:comments_moderatorpreference_changelist"))

    mine = ModeratorPreference.objects.get(user=moderator)
    assert response.url == reverse("admin:comments_moderatorpreference_change", args=[mine.pk])
    client.post(response.url, {"delivery": "daily", "user": other.pk})
    mine.refresh_from_db()
    assert mine.delivery == "daily" and mine.user == moderator

    theirs_url = reverse("admin:comments_moderatorpreference_change", args=[theirs.pk])
    client.post(theirs_url, {"delivery": "each"})
    theirs.refresh_from_db()
    assert theirs.delivery == "none"
    assert client.get(theirs_url).status_code == 302  # "does not exist", as far as they know
