"""Renditions: resized copies of a featured image in WebP and a fallback format."""

import pytest
from django.core.files.base import ContentFile
from PIL import ExifTags, Image, ImageCms

from news.models import Post
from news.renditions import make_renditions
from tests.news.conftest import encode, photo, post_with_image, stored, transparent_png

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """make_renditions as if outside a transaction: old files are deleted at once."""

    def run(post: Post) -> list[dict]:
        with django_capture_on_commit_callbacks(execute=True):
            return make_renditions(post)

    return run


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
