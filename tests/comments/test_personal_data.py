"""Someone asks for the replies they left, or for them to be erased (UK GDPR): the admin page,
the functions behind it and the `comment_personal_data` command."""

import io
import json
import re

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from comments.models import Comment, DiscussionSettings
from comments.personal_data import erase_personal_data, export_personal_data
from comments.services import moderate, submit_comment
from freshness.models import ContentStamp
from tests.comments.conftest import send_queued_emails
from tests.factories import make_comment, make_post, make_staff

pytestmark = pytest.mark.django_db

PAGE = "admin:comments_comment_personal_data"


@pytest.fixture
def thread():
    """Sam's two replies (one in capitals), an answer to one of them, and a stranger's reply."""
    post = make_post(title="Peer support week", slug="peer-support-week")
    sams = make_comment(
        post,
        name="Sam",
        email="sam@example.org",
        website="https://sam.example.org",
        text="My story",
        ip_address="203.0.113.5",
        user_agent="Firefox",
        status=Comment.Status.PENDING,
    )
    other_sams = make_comment(make_post(), name="Sam", email="SAM@Example.org", text="Again")
    answer = make_comment(post, parent=sams, ancestry=str(sams.pk), email="kit@example.org")
    stranger = make_comment(post, email="samuel@example.org")
    return {"sams": [sams, other_sams], "answer": answer, "stranger": stranger}


def test_export_holds_everything_given_with_the_address_in_any_case(thread, settings):
    settings.SITE_URL = "https://imroc.example"

    data = export_personal_data("sam@EXAMPLE.org")

    assert [c["text"] for c in data["comments"]] == ["My story", "Again"]
    first = data["comments"][0]
    sams = thread["sams"][0]
    assert first == {
        "name": "Sam",
        "email": "sam@example.org",
        "website": "https://sam.example.org",
        "text": "My story",
        "post_title": "Peer support week",
        "post_url": "https://imroc.example/news/peer-support-week/",
        "submitted_at": sams.submitted_at.isoformat(),
        "status": "pending",
        "ip_address": "203.0.113.5",
        "user_agent": "Firefox",
    }


def test_erase_deletes_only_their_replies_and_keeps_answers_to_them(thread):
    stamp_before = ContentStamp.objects.values_list("changed_at", flat=True).first()

    assert erase_personal_data(" Sam@example.org ") == 2

    assert not Comment.objects.filter(email__iexact="sam@example.org").exists()
    answer = Comment.objects.get(pk=thread["answer"].pk)
    assert answer.parent is None  # still on the site, now answering an erased reply
    assert Comment.objects.filter(pk=thread["stranger"].pk).exists()
    assert ContentStamp.objects.values_list("changed_at", flat=True).first() != stamp_before


def test_erase_also_removes_the_admin_history_that_names_them(thread, django_user_model):
    moderator = make_staff(django_user_model, "Moderators")
    sams, stranger = thread["sams"][0], thread["stranger"]
    for comment in (sams, stranger):
        LogEntry.objects.log_actions(moderator.pk, [comment], CHANGE, change_message="Edited")

    erase_personal_data("sam@example.org")

    content_type = ContentType.objects.get_for_model(Comment)
    logged = LogEntry.objects.filter(content_type=content_type)
    assert list(logged.values_list("object_id", flat=True)) == [str(stranger.pk)]


def test_after_erasing_no_queued_email_can_reveal_them(
    settings, django_user_model, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    DiscussionSettings.objects.filter(pk=1).update(notify_post_author=True)
    moderator = make_staff(django_user_model, "Moderators")
    moderator.email = "mo@example.org"
    moderator.save()
    writer = django_user_model.objects.create_user("writer", email="writer@example.org")
    post = make_post(author=writer)

    def reply(name, email, ip_address):
        with django_capture_on_commit_callbacks(execute=True):
            comment = submit_comment(
                post=post, name=name, email=email, text=f"{name}'s story", ip_address=ip_address
            )
        with django_capture_on_commit_callbacks(execute=True):
            moderate(Comment.objects.filter(pk=comment.pk), status="approved", by=moderator)

    reply("Sam", "Sam@Example.org", "203.0.113.5")  # asks a moderator, then tells the writer
    reply("Kit", "kit@example.org", "198.51.100.7")
    assert DBTaskResult.objects.count() == 4
    # The queue holds ids only: nothing a person wrote, nor their address.
    stored = json.dumps([row.args_kwargs for row in DBTaskResult.objects.all()])
    assert not any(data in stored for data in ("Sam", "Example.org", "203.0.113.5", "story"))

    erase_personal_data("sam@example.org")

    sent = send_queued_emails()
    assert sent and all("Kit's story" in message.body for message in sent)
    assert not any("Sam" in m.body or "203.0.113.5" in m.body for m in sent)


def test_erase_matches_whole_addresses(
    settings, django_user_model, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    moderator = make_staff(django_user_model, "Moderators")
    moderator.email = "mo@example.org"
    moderator.save()
    post = make_post()
    for email in ("maryjo@example.org", "jo@example.org.uk", "jo@example.org"):
        with django_capture_on_commit_callbacks(execute=True):
            submit_comment(post=post, name="Jo", email=email, text=f"From {email}")

    assert erase_personal_data("JO@example.org") == 1

    left = sorted(Comment.objects.values_list("email", flat=True))
    assert left == ["jo@example.org.uk", "maryjo@example.org"]
    sent = sorted(re.search(r"From \S+", message.body).group() for message in send_queued_emails())
    assert sent == ["From jo@example.org.uk", "From maryjo@example.org"]


def test_a_blank_address_finds_and_erases_nothing(thread):
    assert export_personal_data("  ")["comments"] == []
    assert erase_personal_data("") == 0
    assert Comment.objects.count() == 4


# --- The admin page -------------------------------------------------------------------------


def test_the_queue_links_to_the_personal_data_page(client, moderator):
    html = client.get(reverse("admin:comments_comment_changelist")).content.decode()
    assert f'<a href="{reverse(PAGE)}">Personal data</a>' in html
    page = client.get(reverse(PAGE)).content.decode()
    assert '<label for="id_email">Email address:</label>' in page
    assert "<h1>Personal data</h1>" in page


def test_export_downloads_their_replies_as_json(client, moderator, thread):
    response = client.post(reverse(PAGE), {"email": "SAM@example.org", "export": "Export"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="personal-data.json"'
    data = json.loads(response.content)
    assert [c["text"] for c in data["comments"]] == ["My story", "Again"]
    assert Comment.objects.count() == 4  # exporting keeps everything


def test_erase_asks_first_then_erases(client, moderator, thread):
    confirm = client.post(reverse(PAGE), {"email": "sam@example.org", "erase": "Erase…"})

    html = confirm.content.decode()
    assert "2 replies given with <strong>sam@example.org</strong> will be deleted" in html
    assert "My story" in html and "Again" in html
    assert Comment.objects.count() == 4  # nothing gone yet

    done = client.post(
        reverse(PAGE),
        {"email": "sam@example.org", "erase": "1", "confirmed": "yes"},
        follow=True,
    )

    assert "Erased 2 replies given with that address." in done.content.decode()
    assert set(Comment.objects.all()) == {thread["answer"], thread["stranger"]}
    answer_page = reverse("admin:comments_comment_change", args=[thread["answer"].pk])
    assert "A reply since erased" in client.get(answer_page).content.decode()


def test_an_invalid_address_is_refused_with_a_message(client, moderator, thread):
    response = client.post(reverse(PAGE), {"email": "not an address", "erase": "Erase…"})
    assert "Enter a valid email address." in response.content.decode()
    assert Comment.objects.count() == 4


def test_those_who_may_only_view_replies_export_but_never_erase(client, django_user_model, thread):
    viewer = django_user_model.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_comment"))
    client.force_login(viewer)

    assert "Erase" not in client.get(reverse(PAGE)).content.decode()
    export = client.post(reverse(PAGE), {"email": "sam@example.org", "export": "Export"})
    assert export.status_code == 200
    erase = {"email": "sam@example.org", "erase": "1", "confirmed": "yes"}
    assert client.post(reverse(PAGE), erase).status_code == 403
    assert Comment.objects.count() == 4


def test_editors_cannot_export_or_erase(client, django_user_model, thread):
    client.force_login(make_staff(django_user_model, "Editors"))
    for action in ({"export": "Export"}, {"erase": "1", "confirmed": "yes"}):
        response = client.post(reverse(PAGE), {"email": "sam@example.org", **action})
        assert response.status_code == 403
    assert Comment.objects.count() == 4


@pytest.mark.parametrize("payload", ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>'])
def test_personal_data_pages_escape_what_visitors_typed(client, moderator, payload):
    make_comment(make_post(), name=payload, text=payload, email="x@example.org")

    confirm = client.post(reverse(PAGE), {"email": "x@example.org", "erase": "Erase…"})
    refused = client.post(reverse(PAGE), {"email": payload, "erase": "Erase…"})

    for response in (confirm, refused):
        html = response.content.decode()
        assert payload not in html and "alert(1)" in html


# --- The command ----------------------------------------------------------------------------


def test_command_prints_the_export_as_json(thread):
    out = io.StringIO()
    call_command("comment_personal_data", "export", "Sam@Example.org", stdout=out)
    assert [c["text"] for c in json.loads(out.getvalue())["comments"]] == ["My story", "Again"]


def test_command_erases_at_once_with_yes(thread):
    out = io.StringIO()
    call_command("comment_personal_data", "erase", "sam@example.org", "--yes", stdout=out)
    assert "Erased 2 replies" in out.getvalue()
    assert set(Comment.objects.all()) == {thread["answer"], thread["stranger"]}


def test_command_asks_before_erasing(thread):
    out = io.StringIO()
    with pytest.raises(CommandError, match="Nothing erased"):
        call_command(
            "comment_personal_data",
            "erase",
            "sam@example.org",
            stdin=io.StringIO("no\n"),
            stdout=out,
        )
    assert "2 replies given with sam@example.org will be deleted" in out.getvalue()
    assert Comment.objects.count() == 4

    call_command(
        "comment_personal_data", "erase", "sam@example.org", stdin=io.StringIO("yes\n"), stdout=out
    )
    assert Comment.objects.count() == 2


def test_command_says_when_there_is_nothing_to_erase(thread):
    out = io.StringIO()
    call_command("comment_personal_data", "erase", "nobody@example.org", stdout=out)
    assert "nothing to erase" in out.getvalue()
    assert Comment.objects.count() == 4
