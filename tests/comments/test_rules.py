"""The rules a new reply meets: refusals the visitor can fix, and the status it is saved with."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments import rules as reply_rules
from comments.models import Comment, DiscussionSettings
from comments.rules import DUPLICATE, TOO_FAST, TOO_MANY
from tests.comments.conftest import form_data, form_time, reply_url
from tests.factories import make_comment, make_post, make_staff

pytestmark = pytest.mark.django_db


def send(client, post, **changes):
    return client.post(reply_url(post), form_data(**changes))


def rules(**changes) -> DiscussionSettings:
    settings_row = DiscussionSettings.current()
    for name, value in changes.items():
        setattr(settings_row, name, value)
    settings_row.save()
    return settings_row


def saved() -> Comment:
    return Comment.objects.get()


def refused_with(response, message):
    html = response.content.decode()
    assert response.status_code == 200
    assert message.replace("'", "&#x27;") in html, html[-3000:]
    assert "They help our team.</textarea>" in html  # nothing the visitor wrote is lost


# --- Honeypot and form time -----------------------------------------------------------------


def test_a_filled_honeypot_sends_the_reply_to_spam_with_the_reason(client):
    post = make_post()
    response = send(client, post, subject="Cheap pills")

    assert response.status_code == 302
    comment = saved()
    assert comment.status == Comment.Status.SPAM
    assert "hidden field" in comment.reason
    # Its sender cannot tell: it looks like any reply waiting for moderation.
    html = client.get(post.get_absolute_url()).content.decode()
    assert "Your comment is awaiting moderation." in html
    assert "Cheap pills" not in client.__class__().get(post.get_absolute_url()).content.decode()


def test_the_honeypot_is_hidden_from_people_and_screen_readers(client):
    html = client.get(make_post().get_absolute_url()).content.decode()
    assert '<div class="hp-field" aria-hidden="true">' in html
    assert 'name="subject"' in html and 'tabindex="-1"' in html


def test_a_form_sent_back_faster_than_a_person_could_is_held_with_the_reason(client, settings):
    settings.COMMENTS_MIN_SECONDS = 3
    rules(hold_for_moderation=False)
    send(client, make_post(), issued=form_time(seconds_ago=1))

    comment = saved()
    assert comment.status == Comment.Status.PENDING
    assert "after the form was shown" in comment.reason and "3 s" in comment.reason


def test_the_exact_form_time_is_never_cached(client, settings):
    import time

    from django.core import signing

    response = client.get(reverse("comments:form_time"))
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    issued = signing.Signer(salt="comments.form-time").unsign_object(response.json()["issued"])
    assert abs(issued - time.time()) < 2  # not rounded to the cache's minute


def test_a_form_older_than_a_day_is_refused_and_keeps_the_text(client):
    response = send(client, make_post(), issued=form_time(seconds_ago=25 * 60 * 60))
    refused_with(response, "This form was opened too long ago to be sent.")
    assert not Comment.objects.exists()
    # The form comes back with a fresh time, so sending it again works.
    html = response.content.decode()
    assert 'name="issued"' in html


@pytest.mark.parametrize("issued", ["", "12345", "MTIz:forged:signature"])
def test_a_missing_or_forged_form_time_is_refused(client, issued):
    response = send(client, make_post(), issued=issued)
    refused_with(response, "We could not tell when this form was opened.")
    assert not Comment.objects.exists()


def test_the_error_page_renews_the_form_time_so_a_resend_succeeds(client):
    import re

    post = make_post()
    response = send(client, post, issued=form_time(seconds_ago=2 * 24 * 60 * 60))
    fresh = re.search(r'name="issued" value="([^"]+)"', response.content.decode()).group(1)
    with time_machine.travel(timezone.now() + timedelta(seconds=30)):
        again = client.post(reply_url(post), {**form_data(), "issued": fresh})
    assert again.status_code == 302 and Comment.objects.count() == 1


# --- Flood, hourly limit, duplicates --------------------------------------------------------


def test_a_second_reply_from_the_same_address_within_15_seconds_is_refused(client):
    post = make_post()
    send(client, post)
    response = send(client, post, text="Another thought.\nThey help our team.")
    refused_with(response, TOO_FAST)
    assert Comment.objects.count() == 1

    with time_machine.travel(timezone.now() + timedelta(seconds=16)):
        assert send(client, post, text="Later thought.").status_code == 302
    assert Comment.objects.count() == 2


def test_another_address_is_not_slowed_down(client):
    post = make_post()
    send(client, post)
    other = client.post(reply_url(post), form_data(text="From elsewhere."), REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 302 and Comment.objects.count() == 2


def test_a_flood_wait_longer_than_an_hour_still_holds(client, settings):
    """The flood's own count is skipped for an address with no reply in the hour, but only
    while the flood's window is the shorter."""
    settings.COMMENTS_FLOOD_SECONDS = 2 * 3600
    post = make_post()
    assert send(client, post).status_code == 302

    with time_machine.travel(timezone.now() + timedelta(minutes=90)):
        refused_with(send(client, post), TOO_FAST)
    with time_machine.travel(timezone.now() + timedelta(minutes=121)):
        assert send(client, post, text="Two hours on.").status_code == 302


def test_a_first_reply_from_an_address_counts_its_replies_once(client):
    with CaptureQueriesContext(connection) as queries:
        assert send(client, make_post()).status_code == 302
    counted = [q["sql"] for q in queries if '"ip_address" =' in q["sql"] and "COUNT" in q["sql"]]
    assert len(counted) == 1


def test_the_hourly_limit_per_address(client, settings):
    settings.COMMENTS_HOURLY_LIMIT = 3
    settings.COMMENTS_FLOOD_SECONDS = 0
    post = make_post()
    for n in range(3):
        assert send(client, post, text=f"Thought {n}").status_code == 302
    refused_with(send(client, post), TOO_MANY)
    assert Comment.objects.count() == 3

    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        assert send(client, post, text="Next hour").status_code == 302


def test_the_same_words_twice_on_a_post_are_refused_as_a_duplicate(client, settings):
    settings.COMMENTS_FLOOD_SECONDS = 0
    post = make_post()
    send(client, post)
    response = send(client, post)
    refused_with(response, DUPLICATE)
    assert Comment.objects.count() == 1
    # The same words on another post, or other words here, are fine.
    assert send(client, make_post()).status_code == 302
    assert send(client, post, text="Something new").status_code == 302


def test_someone_else_of_the_same_name_may_say_the_same(client):
    post = make_post()
    make_comment(
        post,
        name="Sam Carter",
        email="another.sam@example.org",
        text="Thank you for sharing these papers.\nThey help our team.",
        status=Comment.Status.PENDING,
    )
    assert send(client, post).status_code == 302  # nothing said about the hidden reply
    assert Comment.objects.count() == 2


def test_words_a_moderator_binned_may_be_said_again(client, settings):
    settings.COMMENTS_FLOOD_SECONDS = 0
    post = make_post()
    send(client, post)
    Comment.objects.update(status=Comment.Status.TRASH)
    assert send(client, post).status_code == 302


def test_the_address_is_read_through_trusted_proxies_only(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    post = make_post()
    client.post(
        reply_url(post), form_data(), headers={"X-Forwarded-For": "203.0.113.9, 198.51.100.4"}
    )
    assert saved().ip_address == "198.51.100.4"  # the one our own proxy saw


def test_a_damaged_forwarded_address_falls_back_to_the_connection(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    post = make_post()
    client.post(reply_url(post), form_data(), headers={"X-Forwarded-For": "nope"})
    assert saved().ip_address == "127.0.0.1"
    response = client.post(reply_url(post), form_data(), headers={"X-Forwarded-For": "nope"})
    refused_with(response, TOO_FAST)  # the limits still apply


def test_without_trusted_proxies_forwarded_addresses_are_ignored(client):
    client.post(reply_url(make_post()), form_data(), headers={"X-Forwarded-For": "203.0.113.9"})
    assert saved().ip_address == "127.0.0.1"


def test_the_browser_name_is_recorded(client):
    client.post(reply_url(make_post()), form_data(), headers={"User-Agent": "Firefox/140"})
    assert saved().user_agent == "Firefox/140"


# --- Rules staff set ------------------------------------------------------------------------


def test_every_reply_is_held_by_default(client):
    send(client, make_post())
    assert saved().status == Comment.Status.PENDING
    assert saved().reason == "Every reply is held for moderation"


def test_with_moderation_off_a_clean_reply_is_published_at_once(client):
    rules(hold_for_moderation=False)
    post = make_post()
    response = send(client, post)
    assert saved().status == Comment.Status.APPROVED
    stranger = client.__class__().get(post.get_absolute_url()).content.decode()
    assert "They help our team." in stranger and "awaiting moderation" not in stranger
    assert response.cookies.get("my_pending_replies") is None


def test_a_known_author_is_published_at_once_when_the_setting_is_on(client):
    post = make_post()
    make_comment(post, name="Sam Carter", email="SAM@example.org", text="Earlier")
    send(client, post)
    assert saved_latest().status == Comment.Status.PENDING

    rules(auto_approve_known_authors=True)
    client.post(reply_url(post), form_data(text="Another one"), REMOTE_ADDR="192.0.2.1")
    latest = saved_latest()
    assert latest.status == Comment.Status.APPROVED and "Known author" in latest.reason


def saved_latest() -> Comment:
    return Comment.objects.latest("pk")


def test_an_unknown_name_with_a_known_email_is_still_held(client):
    post = make_post()
    make_comment(post, name="Someone Else", email="sam@example.org")
    rules(auto_approve_known_authors=True)
    send(client, post)
    assert saved_latest().status == Comment.Status.PENDING


def test_more_links_than_allowed_holds_the_reply(client):
    rules(hold_for_moderation=False, max_links=2)
    text = "See https://a.example and http://b.example and www.c.example"
    send(client, make_post(), text=text)
    assert saved().status == Comment.Status.PENDING
    assert saved().reason == "Has 3 links (more than 2)"


def test_two_links_pass_when_two_are_allowed(client):
    rules(hold_for_moderation=False, max_links=2)
    send(client, make_post(), text="See https://www.nhs.uk/a and https://www.imroc.org/b")
    assert saved().status == Comment.Status.APPROVED


def test_a_hold_word_anywhere_holds_the_reply(client):
    rules(hold_for_moderation=False, hold_words="casino\nquick loan")
    send(client, make_post(), website="https://quick-loan.example", text="A QUICK LOAN helps")
    assert saved().status == Comment.Status.PENDING
    assert "quick loan" in saved().reason


def test_a_spam_word_sends_the_reply_to_spam(client):
    rules(spam_words="viagra")
    send(client, make_post(), text="Buy Viagra now")
    assert saved().status == Comment.Status.SPAM
    assert saved().reason == "Contains “viagra”, one of the spam words"


def test_words_match_whole_words_only(client):
    rules(hold_for_moderation=False, spam_words="sex")
    send(client, make_post(), text="Greetings from the Sussex recovery college")
    assert saved().status == Comment.Status.APPROVED


# --- Closed discussions ---------------------------------------------------------------------


def test_a_post_with_replies_closed_says_so_and_refuses_replies(client):
    post = make_post(comments_open=False)
    make_comment(post, text="Said before closing")
    html = client.get(post.get_absolute_url()).content.decode()
    assert "Replies are closed for this post." in html
    assert "Leave a Reply" not in html and "Said before closing" in html
    assert ">Reply<" not in html

    response = send(client, post)
    assert (
        response.status_code == 403
        and not Comment.objects.exclude(text="Said before closing").exists()
    )
    assert "Replies are closed" in response.content.decode()
    assert "They help our team.</textarea>" in response.content.decode()  # nothing lost


def test_replies_close_by_themselves_after_the_set_number_of_days(client):
    rules(close_after_days=14)
    recent, old = make_post(days_ago=13), make_post(days_ago=15)
    assert "Leave a Reply" in client.get(recent.get_absolute_url()).content.decode()
    assert "Replies are closed" in client.get(old.get_absolute_url()).content.decode()
    assert send(client, old).status_code == 403
    assert send(client, recent).status_code == 302


# --- Staff ----------------------------------------------------------------------------------


def test_signed_in_staff_reply_as_themselves_published_and_marked(client, django_user_model):
    editor = make_staff(django_user_model, "Editors", username="jo")
    editor.first_name, editor.last_name, editor.email = "Jo", "Bloggs", "jo@imroc.example"
    editor.save()
    client.force_login(editor)
    post = make_post()

    form_page = client.get(post.get_absolute_url()).content.decode()
    assert "Signed in as Jo Bloggs" in form_page and 'name="email"' not in form_page

    client.post(reply_url(post), {"text": "From the team.", "issued": form_time()})
    comment = saved()
    assert (comment.status, comment.user, comment.name) == (
        Comment.Status.APPROVED,
        editor,
        "Jo Bloggs",
    )
    assert comment.reason == "Written by staff"
    html = client.__class__().get(post.get_absolute_url()).content.decode()
    assert '<span class="staff-badge">Staff</span>' in html


# --- The rules' lookups at scale ------------------------------------------------------------


def test_the_same_words_from_the_same_address_in_another_case_are_a_duplicate(client, settings):
    settings.COMMENTS_FLOOD_SECONDS = 0
    post = make_post()
    send(client, post, email="Sam.Carter@Example.org")
    refused_with(send(client, post, email="sam.carter@example.ORG"), DUPLICATE)


def test_an_address_is_matched_whole_never_as_a_pattern(client, settings):
    """The address is compared, not matched like a LIKE pattern: "_" is no wildcard."""
    settings.COMMENTS_FLOOD_SECONDS = 0
    post = make_post()
    send(client, post, email="sam_carter@example.org")
    assert send(client, post, email="samXcarter@example.org").status_code == 302
    make_comment(post, name="Sam Carter", email="sam%@example.org", text="Earlier")
    rules(auto_approve_known_authors=True)
    client.post(reply_url(post), form_data(text="Later"), REMOTE_ADDR="192.0.2.1")
    assert saved_latest().status == Comment.Status.PENDING  # sam@example.org is not known


def test_the_rules_find_an_author_by_the_address_index_not_by_reading_every_reply():
    """At a million replies a scan of the table takes seconds: the duplicate and known-author
    lookups must go through the index on the address in lower case."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's query plan is read here; PostgreSQL's planner weighs its own")
    post = make_post()
    reply_rules._DUPLICATES.count(post.pk, "a@example.org", "Hello")
    reply_rules._KNOWN_AUTHOR.count("a@example.org", "A")
    for compiled in (reply_rules._DUPLICATES, reply_rules._KNOWN_AUTHOR):
        (statement,) = compiled._statements.values()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {statement.sql}", list(statement.params))
            plan = " ".join(str(row) for row in cursor.fetchall())
        assert "comment_email_idx" in plan, plan
