"""A busy or unreachable database gives a temporary 503 in the site's layout, and the site
recovers by itself once the database is back (issue 11, "Database busy or down")."""

import time

import pytest
from django.db import OperationalError, connection

from imroc_site.views import server_error
from news.models import Post
from tests.factories import make_post
from tests.faults import (
    closed_port,
    connection_settings,
    needs_postgresql,
    needs_sqlite,
    postgresql_table_lock,
    sqlite_write_lock,
)

# Committed rows and a connection the fault can really break: no test-wide transaction.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def client(client):
    client.raise_request_exception = False
    return client


def assert_busy_page(response):
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "<h1>The site is busy</h1>" in html
    assert 'class="site-header"' in html


@needs_sqlite
def test_a_page_whose_database_file_cannot_be_opened_answers_503_then_recovers(client):
    post = make_post(title="Still here")
    with connection_settings(NAME="/nonexistent-folder/db.sqlite3"):
        assert_busy_page(client.get(post.get_absolute_url()))
    assert client.get(post.get_absolute_url()).status_code == 200


@needs_sqlite
def test_a_write_waiting_past_the_busy_timeout_answers_503_then_recovers(client, django_user_model):
    django_user_model.objects.create_user("editor", password="a long passphrase", is_staff=True)
    sign_in = {"username": "editor", "password": "a long passphrase"}
    with sqlite_write_lock():
        # Signing in writes (the session, the last login): another writer holds the lock.
        assert_busy_page(client.post("/admin/login/", sign_in))
    assert client.post("/admin/login/", sign_in).status_code == 302


@needs_postgresql
def test_a_page_with_postgresql_refusing_connections_answers_503_then_recovers(client):
    post = make_post(title="Still here")
    with connection_settings(HOST="127.0.0.1", PORT=str(closed_port())):
        assert_busy_page(client.get(post.get_absolute_url()))
        assert_busy_page(client.get("/"))
    assert client.get(post.get_absolute_url()).status_code == 200


@needs_postgresql
def test_a_page_stuck_behind_a_lock_answers_503_when_its_statement_times_out(client):
    post = make_post(title="Behind a lock")
    options = {**connection.settings_dict["OPTIONS"], "options": "-c statement_timeout=1s"}
    with connection_settings(OPTIONS=options), postgresql_table_lock(Post):
        started = time.monotonic()
        response = client.get(post.get_absolute_url())
        seconds = time.monotonic() - started
    assert_busy_page(response)
    assert seconds < 5
    assert client.get(post.get_absolute_url()).status_code == 200


def test_a_database_fault_raised_outside_a_view_still_gets_the_503_page(rf, settings):
    # As when the session middleware saves the session into a database that has just gone.
    settings.DEBUG = False
    try:
        raise OperationalError("database is locked")
    except OperationalError:
        response = server_error(rf.get("/"))
    assert_busy_page(response)
    try:
        raise ValueError("a bug")
    except ValueError:
        assert server_error(rf.get("/")).status_code == 500
