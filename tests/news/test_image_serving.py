"""Renditions served to visitors, and shown in a <picture> by the template tags."""

import pytest
from django.template import Context, Template
from django.urls import reverse

from news.models import Post
from news.renditions import make_renditions, rendition_url
from tests.factories import make_post
from tests.news.conftest import photo, post_with_image, stored, transparent_png

pytestmark = pytest.mark.django_db


# --- Serving ------------------------------------------------------------------------------


@pytest.fixture
def renditions():
    return make_renditions(post_with_image(transparent_png(), name="logo.png"))


def test_view_serves_renditions_with_type_and_lasting_cache(client, renditions):
    for rendition in renditions:
        response = client.get(rendition_url(rendition))
        assert response.status_code == 200
        assert response["Content-Type"] == f"image/{rendition['format']}"
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert cache_control == {"public", "max-age=31536000", "immutable"}
        assert b"".join(response.streaming_content) == stored(rendition["name"]).read_bytes()
    assert rendition_url(renditions[0]).startswith("/media/renditions/")


def test_view_answers_head_but_not_post(client, renditions):
    url = rendition_url(renditions[0])
    assert client.head(url).status_code == 200
    assert client.post(url).status_code == 405


def test_view_404s_for_missing_renditions(client, renditions):
    name = renditions[0]["name"].split("/", 1)[1].replace("-480.", "-481.")
    assert client.get(reverse("news:image", kwargs={"name": name})).status_code == 404


@pytest.mark.parametrize(
    "name",
    [
        "../images/secret.jpg",
        "1/../../images/secret.jpg",
        "1/..%2F..%2Fimages%2Fsecret.jpg",
        "%2E%2E/images/secret.jpg",
        "/images/secret.jpg",
        "..\\images\\secret.jpg",
        "1/notes.txt",
        "1/0123456789abcdef-480.txt",
    ],
)
def test_view_serves_nothing_outside_the_renditions(client, name):
    for secret in (
        "images/secret.jpg",
        "renditions/1/notes.txt",
        "renditions/1/0123456789abcdef-480.txt",
    ):
        stored(secret).parent.mkdir(parents=True, exist_ok=True)
        stored(secret).write_bytes(photo(10, 10))
    assert client.get(f"/media/renditions/{name}").status_code == 404


# --- Templates ----------------------------------------------------------------------------


def render(source: str, post: Post) -> str:
    return Template("{% load images %}" + source).render(Context({"post": post}))


def test_picture_tag_gives_sources_sizes_dimensions_and_alt():
    post = post_with_image(photo(2000, 1000), image_alt='Flags "red" & blue')
    make_renditions(post)
    html = render("{% post_picture post %}", post)
    webp = [r for r in post.image_renditions if r["format"] == "webp"]
    jpeg = [r for r in post.image_renditions if r["format"] == "jpeg"]
    webp_srcset = ", ".join(f"{rendition_url(r)} {r['width']}w" for r in webp)
    jpeg_srcset = ", ".join(f"{rendition_url(r)} {r['width']}w" for r in jpeg)
    assert html.strip().startswith("<picture>")
    assert f'<source type="image/webp" srcset="{webp_srcset}"' in html
    assert f'srcset="{jpeg_srcset}"' in html
    assert f'src="{rendition_url(jpeg[-1])}"' in html
    assert 'sizes="(min-width: 44rem) 44rem, 100vw"' in html
    assert 'width="1440" height="720"' in html
    assert 'alt="Flags &quot;red&quot; &amp; blue"' in html
    assert 'class="featured-image"' in html
    assert 'loading="lazy" decoding="async"' in html
    assert "fetchpriority" not in html


def test_picture_tag_options_for_the_top_of_a_page():
    post = post_with_image(photo(600, 300))
    make_renditions(post)
    html = render('{% post_picture post sizes="100vw" loading="eager" %}', post)
    assert html.count('sizes="100vw"') == 2
    assert 'loading="eager"' in html and 'fetchpriority="high"' in html
    assert 'width="600" height="300"' in html


def test_picture_tag_renders_nothing_without_image_or_renditions():
    assert render("{% post_picture post %}", make_post()).strip() == ""
    post = post_with_image(photo(600, 300))
    assert render("{% post_picture post %}", post).strip() == ""  # not rendered yet
    make_renditions(post)
    post.image = None  # renditions listed, but the image was removed
    assert render("{% post_picture post %}", post).strip() == ""


def test_post_image_url_is_the_largest_fallback():
    post = post_with_image(photo(2000, 1000))
    assert render("{% post_image_url post %}", post) == ""
    make_renditions(post)
    url = render("{% post_image_url post %}", post)
    assert url.startswith(f"/media/renditions/{post.pk}/") and url.endswith("-1440.jpg")
    assert render("{% post_image_url post %}", make_post()) == ""
