"""An email's moderation link acts only for the signed-in moderator it was sent to: anyone else
is sent to the admin's sign-in, is never shown whose link it is, and the acting request carries
the token in its body, never in its address."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from tests.comments.conftest import link_in, moderator_with, press

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_site")]

PASSWORD = "correct horse battery"  # the factories' staff password


def leads_to_sign_in_then(response, next_path: str) -> bool:
    address = urlsplit(response["Location"])
    return address.path == reverse("admin:login") and parse_qs(address.query) == {
        "next": [next_path]
    }


def test_a_link_opened_without_the_session_leads_to_sign_in_and_back(client, reply, morgan):
    comment = reply()
    path = link_in(mail.outbox[0], "Approve")

    response = client.get(path)

    assert response.status_code == 302
    assert leads_to_sign_in_then(response, path)
    assert "morgan" not in response.content.decode()
    signed_in = client.post(
        response["Location"], {"username": "morgan", "password": PASSWORD}, follow=True
    )
    assert signed_in.redirect_chain[-1][0] == path
    assert ">Approve</button>" in signed_in.content.decode()
    comment.refresh_from_db()
    assert comment.is_pending


def test_the_button_without_the_session_changes_nothing_and_leads_to_sign_in(reply, morgan):
    comment = reply()
    path = link_in(mail.outbox[0], "Approve")
    stranger = Client(enforce_csrf_checks=True)

    response = press(stranger, path)

    assert response.status_code == 302
    assert leads_to_sign_in_then(response, path)
    comment.refresh_from_db()
    assert comment.is_pending


def test_another_moderator_is_refused_and_never_told_whose_link_it_is(
    client, reply, morgan, django_user_model
):
    comment = reply()
    path = link_in(mail.outbox[0], "Approve")
    client.force_login(moderator_with(django_user_model, "robin"))

    shown = client.get(path)
    pressed = press(client, path)

    for response in (shown, pressed):
        assert response.status_code == 403
        html = response.content.decode()
        assert "sent to another moderator" in html
        assert "morgan" not in html.lower() and "morgan@example.org" not in html
    comment.refresh_from_db()
    assert comment.is_pending


def test_the_token_travels_in_the_body_and_the_acting_address_has_none(client, reply, morgan):
    comment = reply()
    path = link_in(mail.outbox[0], "Approve")
    token = path.rstrip("/").rsplit("/", 1)[-1]
    client.force_login(morgan)

    html = client.get(path).content.decode()

    form = re.search(r'<form method="post" action="([^"]+)">(.*?)</form>', html, re.DOTALL)
    assert form and form.group(1) == reverse("comments:moderate")
    assert token not in form.group(1)
    assert f'<input type="hidden" name="token" value="{token}">' in form.group(2)
    assert press(client, path).status_code == 200
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED


def test_the_button_is_not_taken_from_another_site(client, reply, morgan):
    comment = reply()
    client.force_login(morgan)

    response = press(client, link_in(mail.outbox[0], "Approve"), with_csrf_token=False)

    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.is_pending


def test_the_old_address_takes_no_post(client, reply, morgan):
    """Links already sent keep working (they are GETs); only the new form acts."""
    reply()
    client.force_login(morgan)
    assert client.post(link_in(mail.outbox[0], "Approve")).status_code == 405
