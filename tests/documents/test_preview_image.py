"""A paper's first-page image as the public preview view serves and caches it."""

import pytest

from news.models import Post
from tests.documents.conftest import (
    make_paper,
    make_staff_only,
    preview_address,
    store_previews,
)
from tests.factories import (
    attach,
    make_post,
    make_staff,
)

pytestmark = pytest.mark.django_db


# --- The first-page image ---------------------------------------------------------------------


def test_preview_serves_the_stored_image_cacheable_for_a_short_while(client):
    paper = make_paper()
    (name,) = store_previews(paper, (240, "webp"))
    version = f"{paper.file_updated_at.timestamp():.0f}"

    response = client.get(preview_address(paper, 240, v=version))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"webp image 240"
    assert response["Content-Type"] == "image/webp"
    cache = response["Cache-Control"]
    # Short, not immutable: a paper made staff-only must leave shared caches soon.
    assert "public" in cache and "max-age=60" in cache and "immutable" not in cache
    assert response["ETag"]
    again = client.get(
        preview_address(paper, 240, v=version), headers={"if-none-match": response["ETag"]}
    )
    assert again.status_code == 304


def test_preview_without_the_current_version_is_cached_briefly(client):
    paper = make_paper()
    store_previews(paper, (240, "png"))
    response = client.get(preview_address(paper, 240, "png", v="old"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "max-age=3600" in response["Cache-Control"]
    assert "immutable" not in response["Cache-Control"]


@pytest.mark.parametrize("width, image_format", [(480, "webp"), (240, "png"), (0, "webp")])
def test_preview_at_a_width_or_type_that_was_not_stored_is_404(client, width, image_format):
    paper = make_paper()
    store_previews(paper, (240, "webp"))
    assert client.get(preview_address(paper, width, image_format)).status_code == 404


def test_preview_of_other_file_types_has_no_address(client):
    paper = make_paper()
    store_previews(paper, (240, "webp"))
    assert client.get(f"/papers/{paper.pk}/preview/240.svg").status_code == 404


def test_preview_of_a_paper_the_visitor_may_not_see_is_404(client, django_user_model):
    hidden = make_staff_only(make_paper("Internal"))
    store_previews(hidden, (240, "webp"))
    held_back = make_paper("Embargoed")
    attach(make_post(status=Post.Status.DRAFT), held_back)
    store_previews(held_back, (240, "webp"))
    for paper in (hidden, held_back):
        assert client.get(preview_address(paper, 240)).status_code == 404

    client.force_login(make_staff(django_user_model, "Editors"))
    response = client.get(preview_address(hidden, 240))
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]


def test_preview_whose_file_is_missing_is_404(client):
    paper = make_paper(previews=[{"width": 240, "height": 339, "name": "documents/gone.webp"}])
    assert client.get(preview_address(paper, 240)).status_code == 404


# --- Caching by whether the paper is public ---------------------------------------------------


def _cache_parts(response) -> set[str]:
    return {part.strip() for part in response["Cache-Control"].split(",")}


def test_preview_of_a_staff_only_or_waiting_paper_is_private_for_staff(client, django_user_model):
    hidden = make_staff_only(make_paper("Internal"))
    waiting = make_paper("Embargoed")
    attach(make_post(status=Post.Status.DRAFT), waiting)
    client.force_login(make_staff(django_user_model, "Editors"))
    for paper in (hidden, waiting):
        store_previews(paper, (240, "webp"))
        version = f"{paper.file_updated_at.timestamp():.0f}"

        response = client.get(preview_address(paper, 240, v=version))

        assert response.status_code == 200
        assert "private" in _cache_parts(response)
        assert not _cache_parts(response) & {"public", "immutable"}


def test_preview_of_a_public_paper_may_be_shared_whoever_asks(client, django_user_model):
    paper = make_paper()
    store_previews(paper, (240, "webp"))
    client.force_login(make_staff(django_user_model, "Editors"))

    response = client.get(preview_address(paper, 240))

    assert "public" in _cache_parts(response) and "private" not in _cache_parts(response)
