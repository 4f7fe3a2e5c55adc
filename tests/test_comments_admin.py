"""The moderation side of replies in the admin: the queue, its actions, approve-and-reply,
discussion settings, moderators' own preferences, and who may do what."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, DiscussionSettings, ModeratorPreference
from news.models import Post
from tests.factories import make_comment, make_post, make_staff

pytestmark = pytest.mark.django_db

QUEUE = "admin:comments_comment_changelist"
PAYLOADS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']


def queue_url(**query):
    url = reverse(QUEUE)
    return url + "?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else url


def change_url(comment):
    return reverse("admin:comments_comment_change", args=[comment.pk])


def reply_url(comment):
    return reverse("admin:comments_comment_approve_reply", args=[comment.pk])


def listed(response):
    return list(response.context["cl"].result_list)


@pytest.fixture
def moderator(client, django_user_model):
    user = make_staff(django_user_model, "Moderators")
    user.first_name, user.last_name, user.email = "Mo", "Derator", "mo@example.org"
    user.save()
    client.force_login(user)
    return user


@pytest.fixture
def editor(client, django_user_model):
    user = make_staff(django_user_model, "Editors")
    client.force_login(user)
    return user


# --- The queue ------------------------------------------------------------------------------


def test_queue_shows_post_reason_and_a_staff_mark_pending_first(client, moderator):
    post = make_post(title="Peer support week")
    make_comment(post, text="Approved long ago", submitted_at=timezone.now() - timedelta(days=2))
    make_comment(post, text="Waiting for you", status=Comment.Status.PENDING, reason="Held: links")
    make_comment(post, text="From the office", user=moderator)

    response = client.get(reverse(QUEUE))

    texts = [comment.text for comment in listed(response)]
    assert texts == ["Waiting for you", "From the office", "Approved long ago"]
    html = response.content.decode()
    assert "Peer support week" in html and "Held: links" in html
    assert '<td class="field-staff_mark">Staff</td>' in html
    assert html.count('<td class="field-staff_mark">Staff</td>') == 1


def test_counts_per_status_link_to_each_status(client, moderator):
    post = make_post()
    statuses = {"pending": 3, "approved": 2, "spam": 1, "trash": 0}
    for status, number in statuses.items():
        for _ in range(number):
            make_comment(post, status=status)

    html = client.get(reverse(QUEUE)).content.decode()

    assert 'aria-current="page">All <span class="count">(6)</span>' in html
    for status, number in statuses.items():
        link = f'<a href="{queue_url(status__exact=status)}">{status.title()} '
        assert f'{link}<span class="count">({number})</span></a>' in html
    spam = client.get(queue_url(status__exact="spam"))
    assert [comment.status for comment in listed(spam)] == ["spam"]
    assert 'aria-current="page">Spam <span' in spam.content.decode()


def test_queue_queries_do_not_grow_with_comments(client, moderator):
    def queries_for_queue():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(QUEUE)).status_code == 200
        return len(captured)

    post = make_post()
    parent = make_comment(post)
    for _ in range(5):
        make_comment(make_post(), status="pending", parent=parent, user=moderator)
    few = queries_for_queue()
    for number in range(45):
        make_comment(make_post() if number % 2 else post, status="pending", user=moderator)

    assert queries_for_queue() == few


@pytest.mark.parametrize(
    "action, start, end, reason",
    [
        ("approve", "pending", "approved", "Approved by moderators"),
        ("unapprove", "approved", "pending", "Pending by moderators"),
        ("mark_spam", "pending", "spam", "Spam by moderators"),
        ("trash", "spam", "trash", "Trash by moderators"),
    ],
)
def test_each_bulk_action_records_who_when_and_why(client, moderator, action, start, end, reason):
    post = make_post()
    chosen = [make_comment(post, status=start) for _ in range(2)]
    untouched = make_comment(post, status=start)

    response = client.post(
        reverse(QUEUE), {"action": action, "_selected_action": [c.pk for c in chosen]}, follow=True
    )

    assert "2 comment(s)" in response.content.decode()
    for comment in chosen:
        comment.refresh_from_db()
        assert (comment.status, comment.moderated_by, comment.reason) == (end, moderator, reason)
        assert comment.moderated_at is not None
    untouched.refresh_from_db()
    assert untouched.status == start and untouched.moderated_by is None


def test_post_filter_lists_only_posts_with_replies(client, moderator):
    discussed = make_post(title="Discussed post")
    quiet_draft = make_post(title="Secret embargoed draft", status=Post.Status.DRAFT)
    make_post(title="Published but quiet")
    first = make_comment(discussed)
    make_comment(make_post(title="Another discussed"))

    response = client.get(reverse(QUEUE))

    html = response.content.decode()
    assert "Secret embargoed draft" not in html and "Published but quiet" not in html
    assert "Discussed post" in html and "Another discussed" in html
    assert listed(client.get(queue_url(post=discussed.pk))) == [first]
    assert listed(client.get(queue_url(post=quiet_draft.pk))) == []
    assert client.get(queue_url(post="nonsense")).status_code == 200


def test_filters_by_status_and_date(client, moderator):
    post = make_post()
    old = make_comment(post, status="spam", submitted_at=timezone.now() - timedelta(days=40))
    new = make_comment(post, status="spam")
    make_comment(post)

    assert set(listed(client.get(queue_url(status__exact="spam")))) == {old, new}
    since = (timezone.now() - timedelta(days=7)).isoformat()
    recent = client.get(reverse(QUEUE), {"status__exact": "spam", "submitted_at__gte": since})
    assert listed(recent) == [new]


@pytest.mark.parametrize(
    "field, value, query",
    [
        ("name", "Aroha Tane", "aroha"),
        ("email", "rare.address@example.net", "rare.address"),
        ("text", "Mentions Recovery Colleges", "colleges"),
        ("ip_address", "203.0.113.9", "203.0.113.9"),
    ],
)
def test_search_finds_replies_by_what_moderators_know(client, moderator, field, value, query):
    post = make_post()
    wanted = make_comment(post, **{field: value})
    make_comment(post, ip_address="198.51.100.1")

    assert listed(client.get(reverse(QUEUE), {"q": query})) == [wanted]


def test_search_by_post_title(client, moderator):
    wanted = make_comment(make_post(title="Annual general meeting"))
    make_comment(make_post(title="Something else"))
    assert listed(client.get(reverse(QUEUE), {"q": "general meeting"})) == [wanted]


def test_pending_count_in_the_header_for_those_who_moderate(client, django_user_model):
    make_comment(make_post(), status="pending")
    client.force_login(make_staff(django_user_model, "Moderators"))
    assert "1 comment awaiting moderation" in client.get(reverse(QUEUE)).content.decode()

    viewer = django_user_model.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_comment"))
    client.force_login(viewer)
    response = client.get(reverse(QUEUE))
    assert response.status_code == 200
    html = response.content.decode()
    assert "awaiting moderation" not in html
    assert "Approve and reply" not in html  # may look, may not act


# --- One reply in context -------------------------------------------------------------------


def test_change_page_shows_the_reply_in_context(client, moderator):
    post = make_post(title="Recovery colleges")
    parent = make_comment(post, name="Asker", text="What is a recovery college?")
    comment = make_comment(post, parent=parent, name="Answerer", status="pending")
    make_comment(post, parent=comment, name="Follow-up", text="Thanks, that helps.")

    html = client.get(change_url(comment)).content.decode()

    assert f'<a href="{post.get_absolute_url()}">Recovery colleges</a>' in html
    assert f'<a href="{change_url(parent)}">Asker</a>' in html
    assert "What is a recovery college?" in html
    assert "Follow-up" in html and "Thanks, that helps." in html
    assert f'href="{reply_url(comment)}">Approve and reply</a>' in html


def test_change_page_says_when_the_post_is_not_public(client, moderator):
    comment = make_comment(make_post(status=Post.Status.DRAFT, title="Draft with a reply"))
    assert "(draft: not public)" in client.get(change_url(comment)).content.decode()


def test_moderators_edit_the_words_but_status_only_moves_through_actions(client, moderator):
    comment = make_comment(make_post(), status="pending", text="Phone me on 07700 900123")

    response = client.post(
        change_url(comment),
        {
            "name": "Sam",
            "email": "sam@example.org",
            "website": "",
            "text": "Phone number removed by a moderator",
            "status": "approved",
        },
    )

    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.text == "Phone number removed by a moderator" and comment.name == "Sam"
    assert comment.status == "pending"


def test_no_one_adds_replies_through_the_admin_form(client, moderator):
    assert client.get(reverse("admin:comments_comment_add")).status_code == 403


# --- Approve and reply ----------------------------------------------------------------------


def test_approve_and_reply_publishes_both(client, moderator):
    post = make_post()
    comment = make_comment(post, status="pending", name="Worried parent", text="Is it free?")

    page = client.get(reply_url(comment))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Is it free?" in html and '<label for="id_text">Your reply:</label>' in html

    response = client.post(reply_url(comment), {"text": "Yes, every course is free."})

    assert response.status_code == 302 and response.url == reverse(QUEUE)
    comment.refresh_from_db()
    assert comment.status == "approved" and comment.moderated_by == moderator
    reply = Comment.objects.get(parent=comment)
    assert (reply.status, reply.user, reply.reason) == ("approved", moderator, "Written by staff")
    assert (reply.name, reply.email, reply.post) == ("Mo Derator", "mo@example.org", post)
    assert reply.text == "Yes, every course is free."
    assert reply.ancestry == str(comment.pk)
    message = client.get(response.url).content.decode()
    assert "Approved the reply from Worried parent and published yours." in message
    client.logout()
    public = client.get(post.get_absolute_url()).content.decode()
    assert "Is it free?" in public and "Yes, every course is free." in public


def test_approve_and_reply_at_the_deepest_level_answers_in_the_same_thread(
    client, moderator, settings
):
    settings.COMMENTS_THREAD_DEPTH = 2
    post = make_post()
    question = make_comment(post, text="Where are the courses?")
    follow_up = make_comment(
        post,
        parent=question,
        ancestry=str(question.pk),
        status="pending",
        text="And are they online?",
    )

    client.post(reply_url(follow_up), {"text": "Yes, every course is online too."})

    follow_up.refresh_from_db()
    assert follow_up.status == "approved"
    reply = Comment.objects.get(text="Yes, every course is online too.")
    assert (reply.parent, reply.depth) == (question, 1)  # no deeper than the site allows
    client.logout()
    html = client.get(post.get_absolute_url()).content.decode()
    thread = html[html.index("Where are the courses?") :]
    assert "And are they online?" in thread and "Yes, every course is online too." in thread


def test_approve_and_reply_without_words_changes_nothing(client, moderator):
    comment = make_comment(make_post(), status="pending")

    response = client.post(reply_url(comment), {"text": "  "})

    assert response.status_code == 200 and "This field is required." in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == "pending" and not comment.replies.exists()


def test_approve_and_reply_needs_the_csrf_token(moderator):
    comment = make_comment(make_post(), status="pending")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(moderator)

    assert browser.post(reply_url(comment), {"text": "Forged"}).status_code == 403
    assert 'name="csrfmiddlewaretoken"' in browser.get(reply_url(comment)).content.decode()
    comment.refresh_from_db()
    assert comment.status == "pending" and not comment.replies.exists()


def test_queue_rows_link_to_approve_and_reply(client, moderator):
    pending = make_comment(make_post(), status="pending")
    approved = make_comment(make_post())
    html = client.get(reverse(QUEUE)).content.decode()
    assert f'<a href="{reply_url(pending)}">Approve and reply</a>' in html
    assert f'<a href="{reply_url(approved)}">Reply</a>' in html


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


# --- Editors are refused --------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        lambda c: reverse(QUEUE),
        lambda c: change_url(c),
        lambda c: reply_url(c),
        lambda c: reverse("admin:comments_comment_personal_data"),
        lambda c: reverse("admin:comments_discussionsettings_changelist"),
        lambda c: reverse("admin:comments_moderatorpreference_changelist"),
    ],
    ids=["queue", "change", "approve-and-reply", "personal-data", "settings", "preference"],
)
def test_editors_are_refused_every_moderation_page(client, editor, url):
    comment = make_comment(make_post(), status="pending")
    assert client.get(url(comment)).status_code == 403


def test_editors_can_neither_moderate_nor_reply(client, editor):
    comment = make_comment(make_post(), status="pending")

    client.post(reverse(QUEUE), {"action": "approve", "_selected_action": [comment.pk]})
    assert client.post(reply_url(comment), {"text": "Hijacked"}).status_code == 403

    comment.refresh_from_db()
    assert comment.status == "pending" and comment.moderated_by is None
    assert not comment.replies.exists()
    assert not ModeratorPreference.objects.exists()
    assert "awaiting moderation" not in client.get(reverse("admin:index")).content.decode()


# --- Whatever people type is shown as text --------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_moderation_page_escapes_what_visitors_typed(client, moderator, payload):
    post = make_post()
    parent = make_comment(post, name=payload, text=payload)
    comment = make_comment(
        post,
        parent=parent,
        name=payload,
        email=f"{payload}@example.org",
        website=f"https://example.org/{payload}",
        text=payload,
        user_agent=payload,
        reason=payload,
        status="pending",
    )
    make_comment(post, parent=comment, name=payload, text=payload)

    pages = [reverse(QUEUE), change_url(comment), reply_url(comment), change_url(parent)]
    for url in pages:
        html = client.get(url).content.decode()
        assert payload not in html, url
        assert "alert(1)" in html, url  # shown, as text


def test_a_post_title_is_escaped_too(client, moderator):
    make_comment(make_post(title=PAYLOADS[0]))
    html = client.get(reverse(QUEUE)).content.decode()
    assert PAYLOADS[0] not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
