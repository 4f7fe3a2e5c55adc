"""Images inside imported bodies: kept as the site's own pictures, described or counted,
a missing one named and removed cleanly, and nothing stored twice when run again."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from news.body_html import is_own_image
from news.models import Post
from tests.wordpress.conftest import counts_line, png_bytes, run_import
from tests.wordpress_export import Entry, write_export
from wordpress.bodies import sanitise

pytestmark = pytest.mark.django_db

OLD = "https://www.old.example/wp-content/uploads/2024/05"
BLOCK = (
    "<!-- wp:paragraph --><p>Before the pictures.</p><!-- /wp:paragraph -->"
    '<!-- wp:image --><figure class="wp-block-image"><img src="{old}/garden.png" alt="The '
    'college garden in May" class="wp-image-5"/></figure><!-- /wp:image -->'
    '<!-- wp:image --><figure class="wp-block-image"><img src="{old}/plain.png" alt=""/>'
    "</figure><!-- /wp:image -->"
    '<!-- wp:image --><figure class="wp-block-image"><img src="{old}/gone.png" alt="Lost"/>'
    "</figure><!-- /wp:image -->"
    "<!-- wp:paragraph --><p>After the pictures.</p><!-- /wp:paragraph -->"
)
CLASSIC = (
    "A classic post.\n\n"
    '[caption id="attachment_6" width="300"]<a href="{old}/garden.png"><img src="{old}/garden.png"'
    ' width="300" height="200" /></a> Our garden, in words[/caption]\n\n'
    'An image with nothing said of it: <img src="{old}/plain.png">\n\nThe end.'
)


@pytest.fixture
def export(tmp_path) -> tuple[Path, Path]:
    uploads = tmp_path / "uploads"
    (uploads / "2024/05").mkdir(parents=True)
    (uploads / "2024/05/garden.png").write_bytes(png_bytes((40, 160, 60)))
    (uploads / "2024/05/plain.png").write_bytes(png_bytes((60, 60, 200)))
    entries = [
        Entry(1, "Block pictures", BLOCK.format(old=OLD), slug="block-pictures"),
        Entry(2, "Classic pictures", CLASSIC.format(old=OLD), slug="classic-pictures"),
    ]
    return write_export(tmp_path / "pictures.xml", entries), uploads


def stored_files() -> list[Path]:
    return sorted((Path(settings.MEDIA_ROOT) / "renditions/0").iterdir())


def test_block_and_classic_images_become_the_sites_own_pictures(export):
    path, uploads = export
    output = run_import(path, "--media-dir", uploads)
    block = Post.objects.get(slug="block-pictures").body
    classic = Post.objects.get(slug="classic-pictures").body

    images = re.findall(r"<img [^>]*>", block + classic)
    assert len(images) == 4  # two in each; the missing one is gone
    for image in images:
        src = re.search(r'src="([^"]+)"', image).group(1)
        assert is_own_image(src), image
        assert 'width="640" height="400"' in image
    assert 'alt="The college garden in May"' in block
    assert 'alt="Our garden, in words"' in classic  # the caption, as it had no alt
    assert "<p>Our garden, in words</p>" in classic  # and still shown under it
    assert block.count('alt=""') == 1 and classic.count('alt=""') == 1
    assert "www.old.example" not in block + classic
    # The missing file is named and its image removed cleanly, the text around it kept.
    assert "<p>Before the pictures.</p>" in block and "<p>After the pictures.</p>" in block
    assert "Lost" not in block
    assert "“Block pictures” (ID 1): picture " in output and "gone.png is not in" in output
    assert "2 pictures without a description: add one in the post form" in output
    for body in (block, classic):
        assert body == sanitise(body)


def test_the_pictures_show_on_the_post_page(export, client):
    path, uploads = export
    run_import(path, "--media-dir", uploads)
    post = Post.objects.get(slug="block-pictures")
    page = client.get(post.get_absolute_url()).content.decode()
    src = re.search(r'<img src="(/media/renditions/0/[^"]+)" alt="The college garden', page)
    assert src, page
    response = client.get(src.group(1))
    assert response.status_code == 200 and response["Content-Type"] == "image/webp"


def test_running_again_stores_no_picture_twice(export):
    path, uploads = export
    run_import(path, "--media-dir", uploads)
    files, bodies = stored_files(), dict(Post.objects.values_list("slug", "body"))
    # Two posts showing the same two files: each stored once, in a few sizes.
    assert len({re.sub(r"-\d+\.\w+$", "", f.name) for f in files}) == 2

    again = run_import(path, "--media-dir", uploads)
    assert counts_line(again, "post") == ["0", "0", "2", "0", "0", "0"]
    assert stored_files() == files
    assert dict(Post.objects.values_list("slug", "body")) == bodies

    # An update in WordPress stores the post again: its pictures keep their addresses.
    changed = path.read_text().replace("Before the pictures.", "Before the photos.")
    path.write_text(changed)
    updated = run_import(path, "--media-dir", uploads)
    assert counts_line(updated, "post") == ["0", "1", "1", "0", "0", "0"]
    assert stored_files() == files
    block = Post.objects.get(slug="block-pictures").body
    assert block == bodies["block-pictures"].replace("Before the pictures.", "Before the photos.")
