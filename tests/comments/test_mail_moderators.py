"""Mail to moderators: an email for each held reply, or the daily digest, to whoever holds
the permission to moderate."""

import io
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.management import call_command

from comments.models import Comment, ModeratorPreference
from tests.comments.conftest import SITE_URL, link_in, moderator_with, press, with_email
from tests.factories import make_post, make_staff

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_site")]


# --- Reply held: per-reply emails -------------------------------------------------------------


def test_held_reply_emails_each_moderator_once_with_who_what_why_and_links(
    django_user_model, reply, morgan
):
    other = moderator_with(django_user_model, "alex")
    boss = with_email(django_user_model.objects.create_superuser("boss", password="x" * 12))
    with_email(make_staff(django_user_model, "Editors", "eddie"))
    gone = moderator_with(django_user_model, "gone")
    gone.is_active = False
    gone.save()
    make_staff(django_user_model, "Moderators", "no-address")  # no email address

    post = make_post(title="Recovery colleges")
    comment = reply(post, website="https://sam.example.org", reason="Has 3 links (more than 2)")

    assert sorted(m.to[0] for m in mail.outbox) == sorted([morgan.email, other.email, boss.email])
    message = next(m for m in mail.outbox if m.to == [morgan.email])
    assert message.subject == "[ImROC] Please moderate: “Recovery colleges”"
    for detail in (
        "Sam Carter <sam@example.org>",
        "https://sam.example.org",
        "203.0.113.7",
        "Held because: Has 3 links (more than 2)",
        "Thank you for these papers.",
        f"{SITE_URL}{post.get_absolute_url()}",
        f"{SITE_URL}/admin/comments/comment/{comment.pk}/change/",
    ):
        assert detail in message.body
    for label in ("Approve", "Mark as spam", "Move to trash"):
        assert link_in(message, label).startswith("/comments/moderate/")
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Has 3 links (more than 2)" in html
    # Each moderator gets links of their own.
    other_message = next(m for m in mail.outbox if m.to == [other.email])
    assert link_in(other_message, "Approve") != link_in(message, "Approve")


def test_reply_by_staff_or_published_at_once_asks_no_moderator(django_user_model, reply, morgan):
    editor = with_email(make_staff(django_user_model, "Editors", "eddie"))
    reply(user=editor, name="Eddie", email=editor.email)
    reply(status=Comment.Status.APPROVED)
    reply(status=Comment.Status.SPAM)

    assert [m for m in mail.outbox if "Please moderate" in m.subject] == []


def test_daily_moderators_get_the_digest_instead_and_none_gets_nothing(
    client, django_user_model, reply, morgan
):
    daily = moderator_with(django_user_model, "dana", ModeratorPreference.Delivery.DAILY)
    moderator_with(django_user_model, "quiet", ModeratorPreference.Delivery.NONE)

    first = reply(text="First waiting reply", reason="Contains “casino”, one of the words to hold")
    reply(text="Second waiting reply")
    assert {m.to[0] for m in mail.outbox} == {morgan.email}

    mail.outbox.clear()
    output = io.StringIO()
    call_command("send_moderation_digest", stdout=output)

    assert "Queued a digest of 2 waiting replies for 1 moderator(s)." in output.getvalue()
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.to == [daily.email]
    assert digest.subject == "[ImROC] 2 replies waiting for moderation"
    assert "First waiting reply" in digest.body and "Second waiting reply" in digest.body
    assert "Held because: Contains “casino”, one of the words to hold" in digest.body
    assert len(re.findall(r"^Approve: ", digest.body, re.MULTILINE)) == 2
    # The digest's links work for the moderator it went to.
    client.force_login(daily)
    response = press(client, link_in(digest, "Approve"))
    assert response.status_code == 200
    first.refresh_from_db()
    assert first.status == Comment.Status.APPROVED
    assert first.moderated_by == daily


def test_no_digest_when_no_reply_waits(django_user_model, reply):
    moderator_with(django_user_model, "dana", ModeratorPreference.Delivery.DAILY)
    reply(status=Comment.Status.APPROVED)
    mail.outbox.clear()

    output = io.StringIO()
    call_command("send_moderation_digest", stdout=output)

    assert mail.outbox == []
    assert "no digest sent" in output.getvalue()


# --- Who is a moderator: whoever holds the permission -----------------------------------------


def test_whoever_holds_the_permission_through_another_group_or_directly_is_emailed(
    django_user_model, reply
):
    can_moderate = Permission.objects.get(codename="change_comment")
    reviewers = Group.objects.create(name="Reviewers")
    reviewers.permissions.add(can_moderate)
    through_a_group = with_email(django_user_model.objects.create_user("rene", is_staff=True))
    through_a_group.groups.add(reviewers)
    directly = with_email(django_user_model.objects.create_user("dara", is_staff=True))
    directly.user_permissions.add(can_moderate)
    with_email(django_user_model.objects.create_user("viewer", is_staff=True))  # no permission

    reply()

    assert sorted(m.to[0] for m in mail.outbox) == sorted([through_a_group.email, directly.email])
    digest_reader = with_email(django_user_model.objects.create_user("dee", is_staff=True))
    digest_reader.user_permissions.add(can_moderate)
    ModeratorPreference.objects.create(user=digest_reader, delivery="daily")
    mail.outbox.clear()
    call_command("send_moderation_digest", stdout=io.StringIO())
    assert [m.to for m in mail.outbox] == [[digest_reader.email]]


def test_a_moderator_who_loses_the_permission_is_emailed_no_more(django_user_model, reply, morgan):
    daily = moderator_with(django_user_model, "dana", ModeratorPreference.Delivery.DAILY)
    reply()
    assert [m.to for m in mail.outbox] == [[morgan.email]]

    moderators = Group.objects.get(name="Moderators")
    morgan.groups.remove(moderators)
    daily.groups.remove(moderators)
    mail.outbox.clear()
    reply(text="Another reply")
    call_command("send_moderation_digest", stdout=io.StringIO())

    assert mail.outbox == []
