"""The reply policy reads the staff's settings and the deployment's as one object, and says the
depth rule once for the form, the threads and the admin."""

import pytest

from comments.models import Comment, DiscussionSettings
from comments.policy import ReplyPolicy
from tests.comments.conftest import answer
from tests.factories import make_comment, make_post

pytestmark = pytest.mark.django_db


def test_the_policy_reads_the_settings_row_and_the_settings(settings):
    settings.COMMENTS_THREAD_DEPTH = 4
    settings.COMMENTS_FLOOD_SECONDS = 20
    DiscussionSettings.objects.filter(pk=1).update(max_links=5, spam_words="Casino\n\n  pills ")

    policy = ReplyPolicy.current()

    assert (policy.thread_depth, policy.flood_seconds, policy.max_links) == (4, 20, 5)
    assert policy.spam_words == ("casino", "pills")


def test_one_depth_rule_decides_who_may_be_answered_and_where_an_answer_goes(settings):
    settings.COMMENTS_THREAD_DEPTH = 3
    policy = ReplyPolicy.current()
    post = make_post()
    first = make_comment(post)
    second = answer(first)
    third = answer(second)
    waiting = make_comment(post, status=Comment.Status.PENDING)

    assert [policy.may_answer(c) for c in (first, second, third)] == [True, True, False]
    assert not policy.may_answer(waiting)  # room below it, but not published
    assert policy.parent_for_answer(second) == second
    assert policy.parent_for_answer(third) == second  # the deepest that can take a reply


def test_without_threading_every_answer_goes_under_the_post(settings):
    settings.COMMENTS_THREAD_DEPTH = 1
    policy = ReplyPolicy.current()
    comment = make_comment(make_post())

    assert not policy.may_answer(comment)
    assert policy.parent_for_answer(comment) is None
