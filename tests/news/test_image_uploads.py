"""Featured image uploads: what is accepted, and why anything else is refused."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image

from news.images import ImageUploadField, validate_image
from news.models import Post
from tests.factories import pdf_bytes
from tests.news.conftest import (
    encode,
    photo,
    png_header_only,
    post_with_image,
    stored,
    transparent_png,
    upload,
)

pytestmark = pytest.mark.django_db


def refusal(file) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        validate_image(file)
    return caught.value


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.jpg", photo()),
        ("logo.png", transparent_png()),
        ("picture.webp", encode(Image.new("RGB", (64, 48), "teal"), "WEBP")),
        ("animation.gif", encode(Image.new("P", (64, 48)), "GIF")),
    ],
)
def test_accepts_real_images(name, content):
    file = upload(name, content)
    validate_image(file)
    assert file.tell() == 0


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.jpg", b"Dear all, the minutes of our meeting follow.\n" * 20),
        ("paper.png", pdf_bytes()),
        ("empty.jpg", b""),
        ("page.webp", b"<!doctype html><html><body>Hello</body></html>"),
    ],
)
def test_refuses_files_that_are_not_images(name, content):
    file = upload(name, content)
    error = refusal(file)
    assert error.code == "not_image"
    assert error.messages == [
        f"“{name}” is not an image Pillow can read: please upload a JPEG, PNG or WebP."
    ]
    assert file.tell() == 0


def test_refuses_image_formats_the_site_does_not_take():
    error = refusal(upload("scan.png", encode(Image.new("RGB", (40, 30)), "BMP")))
    assert error.code == "format_not_accepted"
    assert "“scan.png” is a BMP file" in error.messages[0]
    assert "JPEG, PNG or WebP" in error.messages[0]


def test_refuses_a_truncated_jpeg():
    noisy = Image.effect_noise((800, 600), 60).convert("RGB")
    error = refusal(upload("cut.jpg", encode(noisy, "JPEG")[:20_000]))
    assert error.code == "damaged_image"
    assert "“cut.jpg” looks like a JPEG image but cannot be read" in error.messages[0]


def test_refuses_more_pixels_than_the_setting_allows(settings):
    settings.NEWS_MAX_IMAGE_PIXELS = 10_000
    file = upload("wide.png", encode(Image.new("RGB", (200, 100)), "PNG"))
    error = refusal(file)
    assert error.code == "too_many_pixels"
    assert error.messages == [
        "“wide.png” is too large in pixels (200 × 100): the most the site accepts is 10,000 "
        "pixels (width × height). Please make it smaller and upload it again."
    ]
    assert file.tell() == 0


def test_default_limit_is_forty_million_pixels_even_for_a_tiny_file():
    content = png_header_only(8000, 6000)  # 48 million pixels in under a hundred bytes
    assert len(content) < 100
    error = refusal(upload("bomb.png", content))
    assert error.code == "too_many_pixels"
    assert "(8,000 × 6,000)" in error.messages[0]
    assert "40,000,000 pixels" in error.messages[0]
    validate_image(upload("fine.png", png_header_only(1000, 1000)))


def test_pillow_decompression_bomb_error_is_a_clear_refusal():
    # Over twice Pillow's own limit (89 million pixels), Image.open itself raises.
    error = refusal(upload("bomb.png", png_header_only(20_000, 20_000)))
    assert error.code == "too_many_pixels"
    assert isinstance(error.__cause__, Image.DecompressionBombError)
    assert "too large in pixels" in error.messages[0]


def test_pillow_decompression_bomb_warning_is_a_refusal_too(monkeypatch, settings):
    settings.NEWS_MAX_IMAGE_PIXELS = 1_000_000
    # 20,000 pixels: over Pillow's limit (a warning) but under twice it (no error).
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 15_000)
    error = refusal(upload("bomb.png", encode(Image.new("RGB", (200, 100)), "PNG")))
    assert error.code == "too_many_pixels"
    assert isinstance(error.__cause__, Image.DecompressionBombWarning)
    assert "the most the site accepts is 15,000 pixels" in error.messages[0]


def test_a_new_upload_on_a_post_is_read_but_a_stored_image_is_not():
    unsaved = Post(image=ContentFile(pdf_bytes(), name="paper.png"))
    assert refusal(unsaved.image).code == "not_image"
    post = post_with_image(photo())
    (stored(post.image.name)).write_bytes(b"damaged on disk later")
    validate_image(post.image)  # checked when it arrived; not read again on every save


class ImageForm(forms.ModelForm):
    class Meta:
        model = Post
        fields = ["image", "image_alt"]
        field_classes = {"image": ImageUploadField}


def test_form_field_gives_the_clear_message_instead_of_djangos_generic_one():
    form = ImageForm(data={"image_alt": "A paper"}, files={"image": upload("p.jpg", pdf_bytes())})
    assert form.errors["image"] == [
        "“p.jpg” is not an image Pillow can read: please upload a JPEG, PNG or WebP."
    ]
    form = ImageForm(data={"image_alt": "A flag"}, files={"image": upload("f.jpg", photo())})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["image"].image.format == "JPEG"  # Django's own check still ran
