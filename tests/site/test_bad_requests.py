"""Bad requests get a 4xx page, never a 500 (issue 11: "Bad requests never cause a 500")."""

import pytest

from tests.factories import make_post, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    # A fault must show as the status it is, not as an exception raised into the test.
    client.raise_request_exception = False
    return client


def test_a_disallowed_host_gets_the_400_page_in_the_site_layout(client):
    response = client.get("/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    html = response.content.decode()
    assert "<h1>Bad request</h1>" in html
    assert 'class="site-header"' in html
    assert "attacker.example" not in html


@pytest.mark.parametrize(
    "url", ["/news/0000/", "/news/0000/1/", "/news/2024/13/", "/news/2024/0/", "/news/0999/"]
)
def test_out_of_range_archive_dates_are_not_found(client, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", ["/news/1000/", "/news/9999/", "/news/9999/12/", "/news/2024/1/"])
def test_archive_dates_at_the_edges_of_the_range_answer(client, url):
    make_post(title="Anything")
    assert client.get(url).status_code == 200


def test_the_history_of_a_post_without_revisions_shows_an_empty_list(client, django_user_model):
    client.force_login(make_staff(django_user_model, "Editors"))
    post = make_post(title="Saved outside the admin")  # so reversion kept no revision of it
    for page in ("revisions", "history"):
        response = client.get(f"/admin/news/post/{post.pk}/{page}/")
        assert response.status_code == 200, page
