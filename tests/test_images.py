"""Featured images: uploads are checked, renditions made, served and shown in a <picture>."""

import io
import struct
import zlib
from pathlib import Path

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.urls import reverse
from PIL import ExifTags, Image, ImageCms

from news.images import ImageUploadField, validate_image
from news.models import Post
from news.renditions import make_renditions, rendition_url
from tests.factories import make_post, pdf_bytes

pytestmark = pytest.mark.django_db


# --- Image files ----------------------------------------------------------------------------


def encode(image: Image.Image, image_format: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def photo(width=2000, height=1000, **options) -> bytes:
    """A JPEG, red on its left half and blue on its right."""
    image = Image.new("RGB", (width, height), "blue")
    image.paste("red", (0, 0, width // 2, height))
    return encode(image, "JPEG", **options)


def transparent_png(width=800, height=400) -> bytes:
    image = Image.new("RGBA", (width, height), (0, 128, 0, 0))
    image.paste((0, 128, 0, 255), (0, 0, width // 2, height))
    return encode(image, "PNG")


def png_header_only(width: int, height: int) -> bytes:
    """A PNG of a few bytes that claims to be width × height (one bit per pixel)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    row = zlib.compress(b"\x00" * ((width + 7) // 8 + 1))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", row) + chunk(b"IEND", b"")


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def refusal(file) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        validate_image(file)
    return caught.value


def post_with_image(content: bytes, name="photo.jpg", **fields) -> Post:
    fields.setdefault("image_alt", "A red and blue flag")
    return make_post(image=ContentFile(content, name=name), **fields)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """make_renditions as if outside a transaction: old files are deleted at once."""

    def run(post: Post) -> list[dict]:
        with django_capture_on_commit_callbacks(execute=True):
            return make_renditions(post)

    return run


def stored(name: str) -> Path:
    from django.conf import settings

    return Path(settings.MEDIA_ROOT) / name


# --- Checking uploads -----------------------------------------------------------------------


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


# --- Renditions -----------------------------------------------------------------------------


def opened(rendition: dict) -> Image.Image:
    image = Image.open(stored(rendition["name"]))
    image.load()
    return image


def test_renditions_at_each_width_in_webp_and_jpeg():
    post = post_with_image(photo(2000, 1000))
    renditions = make_renditions(post)
    assert renditions is post.image_renditions
    assert [(r["width"], r["height"], r["format"]) for r in renditions] == [
        (480, 240, "webp"),
        (480, 240, "jpeg"),
        (960, 480, "webp"),
        (960, 480, "jpeg"),
        (1440, 720, "webp"),
        (1440, 720, "jpeg"),
    ]
    for rendition in renditions:
        assert rendition["name"].startswith(f"renditions/{post.pk}/")
        image = opened(rendition)
        assert image.format == rendition["format"].upper()
        assert image.size == (rendition["width"], rendition["height"])
        assert image.mode == "RGB"
    assert renditions[-1]["name"].endswith("-1440.jpg")


@pytest.mark.parametrize(
    ("width", "expected"), [(1000, [480, 960, 1000]), (700, [480, 700]), (300, [300])]
)
def test_renditions_are_never_wider_than_the_original(width, expected):
    post = post_with_image(photo(width, width // 2))
    widths = sorted({r["width"] for r in make_renditions(post)})
    assert widths == expected


def test_transparent_png_falls_back_to_png_and_keeps_its_alpha():
    post = post_with_image(transparent_png(), name="logo.png")
    renditions = make_renditions(post)
    assert {r["format"] for r in renditions} == {"webp", "png"}
    for rendition in renditions:
        image = opened(rendition)
        assert image.mode == "RGBA"
        assert image.getpixel((image.width - 1, 0))[3] == 0  # the transparent half stays clear


@pytest.mark.parametrize(
    ("name", "content"),
    [
        # A screenshot with an alpha channel that is opaque everywhere is a photo after all.
        ("screenshot.png", encode(Image.new("RGBA", (600, 300), (9, 9, 9, 255)), "PNG")),
        ("print.jpg", encode(Image.new("CMYK", (600, 300), (0, 255, 255, 0)), "JPEG")),
    ],
)
def test_opaque_and_cmyk_sources_become_rgb_jpeg(name, content):
    renditions = make_renditions(post_with_image(content, name=name))
    assert {r["format"] for r in renditions} == {"webp", "jpeg"}
    assert all(opened(r).mode == "RGB" for r in renditions)


def test_palette_gif_with_transparency_falls_back_to_png():
    gif = Image.new("P", (300, 200), 0)
    gif.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)
    gif.paste(1, (0, 0, 150, 200))
    renditions = make_renditions(post_with_image(encode(gif, "GIF", transparency=1), "a.gif"))
    assert {r["format"] for r in renditions} == {"webp", "png"}
    assert opened(renditions[-1]).getpixel((10, 10))[3] == 0


def test_sixteen_bit_greyscale_keeps_its_tones():
    grey = Image.new("I;16", (300, 200), 32_768)  # half way: mid grey, not white
    renditions = make_renditions(post_with_image(encode(grey, "PNG"), name="scan.png"))
    red, green, blue = opened(renditions[-1]).getpixel((150, 100))
    assert 120 <= red <= 135 and red == green == blue


def test_exif_orientation_is_applied_and_metadata_stripped():
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # the camera was held upright: turn 90° clockwise
    exif[ExifTags.Base.Artist] = "Someone"
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    post = post_with_image(photo(1200, 800, exif=exif, icc_profile=srgb))
    renditions = make_renditions(post)
    assert [r["width"] for r in renditions if r["format"] == "jpeg"] == [480, 800]
    for rendition in renditions:
        image = opened(rendition)
        assert image.size == (rendition["width"], rendition["height"])
        assert image.height > image.width
        assert not image.getexif()
        assert "icc_profile" not in image.info
        assert "exif" not in image.info
    largest = opened(renditions[-1])
    top, bottom = largest.getpixel((400, 100)), largest.getpixel((400, 1100))
    assert top[0] > 200 and top[2] < 60  # the photo's left (red) half is now on top
    assert bottom[2] > 200 and bottom[0] < 60


def test_names_follow_the_content_and_old_files_go(committed):
    post = post_with_image(photo(1000, 500))
    first = committed(post)
    post.save()
    post.image = ContentFile(photo(600, 300, quality=50), name="other.jpg")
    post.save()
    second = committed(post)
    first_hash = first[0]["name"].split("/")[-1].split("-")[0]
    second_hash = second[0]["name"].split("/")[-1].split("-")[0]
    assert first_hash != second_hash
    assert all(not stored(r["name"]).exists() for r in first)
    assert all(stored(r["name"]).exists() for r in second)
    folder = stored(f"renditions/{post.pk}")
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        r["name"].split("/")[-1] for r in second
    )


def test_unchanged_image_keeps_its_renditions_without_redrawing(monkeypatch):
    post = post_with_image(photo(1000, 500))
    first = make_renditions(post)
    monkeypatch.setattr("news.renditions._render", lambda *args: pytest.fail("drawn again"))
    assert make_renditions(post) == first
    assert all(stored(r["name"]).exists() for r in first)


def test_a_missing_rendition_file_is_made_again():
    post = post_with_image(photo(1000, 500))
    first = make_renditions(post)
    stored(first[0]["name"]).unlink()
    assert make_renditions(post) == first
    assert all(stored(r["name"]).exists() for r in first)


def test_removing_the_image_clears_the_renditions(committed):
    post = post_with_image(photo(1000, 500))
    first = committed(post)
    post.image = None
    assert committed(post) == []
    assert post.image_renditions == []
    assert all(not stored(r["name"]).exists() for r in first)


def test_old_files_stay_until_the_transaction_commits(django_capture_on_commit_callbacks):
    post = post_with_image(photo(1000, 500))
    with django_capture_on_commit_callbacks(execute=True):
        first = make_renditions(post)
    post.image = None
    with django_capture_on_commit_callbacks() as callbacks:
        make_renditions(post)
    assert all(stored(r["name"]).exists() for r in first)  # a rollback would still need them
    callbacks[0]()
    assert all(not stored(r["name"]).exists() for r in first)


def test_an_unsaved_post_cannot_have_renditions():
    with pytest.raises(ValueError, match="Save the post"):
        make_renditions(Post(image=ContentFile(photo(), name="photo.jpg")))


# --- Serving --------------------------------------------------------------------------------


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


# --- Templates ------------------------------------------------------------------------------


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
