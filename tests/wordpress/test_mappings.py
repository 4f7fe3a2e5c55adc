"""The choices staff make: whose account each WordPress author becomes and where each
WordPress category goes, given as pairs or in a CSV or JSON file, checked before anything is
imported."""

import json

import pytest

from news.models import Category, Post
from tests.wordpress.conftest import SITE_EXPORT, run_import

pytestmark = pytest.mark.django_db


def test_an_author_map_gives_posts_to_existing_accounts(uploads, django_user_model, tmp_path):
    editor = django_user_model.objects.create_user("editor", password="x" * 20)
    mapping = tmp_path / "authors.csv"
    mapping.write_text("# WordPress login,username here\njane,editor\n")
    run_import(SITE_EXPORT, "--media-dir", uploads, "--author-map", mapping)
    assert Post.objects.get(slug="business-case").author == editor
    assert not django_user_model.objects.filter(username="jane").exists()
    assert django_user_model.objects.filter(username="zoë").exists()  # not mapped: made


def test_a_category_map_from_a_json_file(uploads, tmp_path):
    Category.objects.create(name="Briefings", slug="briefings")
    mapping = tmp_path / "categories.json"
    mapping.write_text(json.dumps({"announcements": "briefings"}))
    run_import(SITE_EXPORT, "--media-dir", uploads, "--category-map", mapping)
    assert Post.objects.get(slug="business-case").category.slug == "briefings"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--author-map", "jane=nobody"], "No account here has the username: nobody"),
        (["--category-map", "events=nowhere"], "No category here has the slug: nowhere"),
        (["--pages-category", "nowhere"], "No category here has the slug: nowhere"),
    ],
)
def test_a_mapping_to_nothing_stops_before_anything_is_imported(uploads, arguments, message):
    output = run_import(SITE_EXPORT, "--media-dir", uploads, *arguments, expect_failure=True)
    assert message in output
    assert not Post.objects.exists()


def test_a_malformed_mapping_file_names_its_line(uploads, tmp_path):
    mapping = tmp_path / "authors.csv"
    mapping.write_text("jane,editor\nzoë\n")
    output = run_import(SITE_EXPORT, "--author-map", mapping, expect_failure=True)
    assert "authors.csv, line 2: expected two columns, old,new" in output
