"""The files the WordPress export's uploads come from, made by the demo's own code.

Run from the repository root with the project's Python: `python make_media.py DIR`. The two
papers are the bytes `load_demo_content` makes (same titles, paragraphs and target sizes), so a
download after the import can be compared with the demo's; the pictures are the demo's drawing
(the featured image) and a smaller crop of it (the classic post's captioned image).
"""

import io
import sys
from pathlib import Path

from PIL import Image

from imroc_site.demo.more_posts import demo_image
from imroc_site.demo.pdf import make_pdf
from imroc_site.demo.seed_post import PAPERS


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for paper in PAPERS:
        pdf = make_pdf(paper["title"], paper["paragraphs"], paper["size"])
        (out / paper["filename"]).write_bytes(pdf)
    hills = demo_image()
    (out / "demo-hills.jpg").write_bytes(hills)
    crop = Image.open(io.BytesIO(hills)).crop((400, 200, 1200, 700))
    buffer = io.BytesIO()
    crop.save(buffer, "JPEG", quality=80)
    (out / "peer-support-group.jpg").write_bytes(buffer.getvalue())


if __name__ == "__main__":
    main(Path(sys.argv[1]))
