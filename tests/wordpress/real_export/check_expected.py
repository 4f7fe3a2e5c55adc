"""Check expected.json against export.xml and uploads/: every fact the manifest states is so.

make_export.sh runs it after each export, so a new WordPress or a changed content script cannot
leave the manifest the importer's tests assert against quietly wrong. Run it from the repository
root with the project's Python: `python tests/wordpress/real_export/check_expected.py`. It
prints each mismatch and exits 1 if there is any. It is long (some 300 lines) because it is
one checklist, a function per kind of item; split up, it would be harder to read against the
manifest.
"""

import hashlib
import json
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from imroc_site.demo.pdf import make_pdf
from imroc_site.demo.seed_post import PAPERS

HERE = Path(__file__).resolve().parent
UPLOADS = HERE / "uploads"
MAX_UPLOADS_BYTES = 2 * 1024 * 1024
NS = {
    "wp": "http://wordpress.org/export/1.2/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "excerpt": "http://wordpress.org/export/1.2/excerpt/",
}

problems: list[str] = []


def same(what: str, found, expected) -> None:
    if found != expected:
        problems.append(f"{what}: the export has {found!r}, expected.json says {expected!r}")


def wp(element: ET.Element, tag: str) -> str:
    return element.findtext(f"wp:{tag}", default="", namespaces=NS)


def meta(item: ET.Element) -> dict[str, str]:
    return {wp(m, "meta_key"): wp(m, "meta_value") for m in item.findall("wp:postmeta", NS)}


def terms(item: ET.Element, domain: str) -> list[str]:
    return sorted(
        c.get("nicename", "") for c in item.findall("category") if c.get("domain") == domain
    )


def check_site(channel: ET.Element, site: dict) -> None:
    same("site title", channel.findtext("title"), site["title"])
    same("site description", channel.findtext("description"), site["description"])
    same("generator", channel.findtext("generator"), site["generator"])
    same("language", channel.findtext("language"), site["language"])
    for field in ("wxr_version", "base_site_url", "base_blog_url"):
        same(field, wp(channel, field), site[field])


def check_people_and_terms(channel: ET.Element, expected: dict) -> None:
    authors = {wp(a, "author_login"): a for a in channel.findall("wp:author", NS)}
    same("author logins", sorted(authors), sorted(a["login"] for a in expected["authors"]))
    for author in expected["authors"]:
        found = authors.get(author["login"])
        if found is not None:
            for field in ("id", "email", "display_name", "first_name", "last_name"):
                key = "wp_id" if field == "id" else field
                value = wp(found, f"author_{field}")
                same(
                    f"author {author['login']} {field}",
                    int(value) if key == "wp_id" else value,
                    author[key],
                )

    categories = {wp(c, "category_nicename"): c for c in channel.findall("wp:category", NS)}
    same("category slugs", sorted(categories), sorted(c["slug"] for c in expected["categories"]))
    for category in expected["categories"]:
        found = categories.get(category["slug"])
        if found is not None:
            same(f"category {category['slug']} id", int(wp(found, "term_id")), category["wp_id"])
            same(f"category {category['slug']} name", wp(found, "cat_name"), category["name"])
            same(
                f"category {category['slug']} parent",
                wp(found, "category_parent") or None,
                category["parent"],
            )
            same(
                f"category {category['slug']} description",
                wp(found, "category_description"),
                category["description"],
            )
            parents = [category["slug"]]
            if category["parent"]:
                parents.insert(0, category["parent"])
            same(
                f"category {category['slug']} address",
                category["old_address"],
                f"/category/{'/'.join(parents)}/",
            )

    tags = {wp(t, "tag_slug"): t for t in channel.findall("wp:tag", NS)}
    same("tag slugs", sorted(tags), sorted(t["slug"] for t in expected["tags"]))
    for tag in expected["tags"]:
        found = tags.get(tag["slug"])
        if found is not None:
            same(f"tag {tag['slug']} id", int(wp(found, "term_id")), tag["wp_id"])
            same(f"tag {tag['slug']} name", wp(found, "tag_name"), tag["name"])
            same(f"tag {tag['slug']} address", tag["old_address"], f"/tag/{tag['slug']}/")


def check_body(label: str, body: str, expected: dict) -> None:
    # Both lists are about the raw body: what must survive is there, and what must go is there
    # too, so an importer test asserting its absence afterwards is not trivially true.
    for text in expected.get("body_keeps", []) + expected.get("body_loses", []):
        if text not in body:
            problems.append(f"{label}: body lacks {text!r}")


def check_post(item: ET.Element, post: dict, attachments: dict[int, dict]) -> None:
    label = f"post {post['wp_id']}"
    same(f"{label} title", item.findtext("title"), post["title"])
    same(f"{label} type", wp(item, "post_type"), "post")
    same(f"{label} status", wp(item, "status"), post["status"])
    same(f"{label} slug", wp(item, "post_name"), post["slug"])
    same(f"{label} link", item.findtext("link"), post["link"])
    same(f"{label} guid", item.findtext("guid"), post["guid"])
    same(
        f"{label} author",
        item.findtext("{http://purl.org/dc/elements/1.1/}creator"),
        post["author"],
    )
    for field in ("date", "date_gmt", "modified_gmt"):
        same(f"{label} {field}", wp(item, f"post_{field}"), post[field])
    same(f"{label} categories", terms(item, "category"), post["categories"])
    same(f"{label} tags", terms(item, "post_tag"), post["tags"])
    same(f"{label} sticky", wp(item, "is_sticky") == "1", post["sticky"])
    same(f"{label} comment status", wp(item, "comment_status"), post["comment_status"])
    same(f"{label} password", bool(wp(item, "post_password")), post["has_password"])
    excerpt = item.findtext("excerpt:encoded", default="", namespaces=NS)
    same(f"{label} excerpt", bool(excerpt), post["has_excerpt"])
    thumbnail = meta(item).get("_thumbnail_id")
    same(f"{label} featured image", int(thumbnail) if thumbnail else None, post["featured_image"])

    expected = post["expected"]
    body = item.findtext("content:encoded", default="", namespaces=NS)
    check_body(label, body, expected)
    for paper in expected.get("papers", []):
        if attachments[paper]["url"] not in body:
            problems.append(f"{label}: body does not link paper {paper}")
    for image in expected.get("images_in_body", []):
        if f"wp-image-{image}" not in body:
            problems.append(f"{label}: body does not show image {image}")
    addresses = expected.get("old_addresses") or expected["unpublished_addresses"]
    if urlsplit(post["link"]).path not in addresses and f"/?p={post['wp_id']}" not in addresses:
        problems.append(f"{label}: its <link> is not among its addresses")
    if expected["public"] and addresses[0] != urlsplit(post["link"]).path:
        problems.append(f"{label}: the first old address should be its <link>")


def check_page(item: ET.Element, page: dict) -> None:
    label = f"page {page['wp_id']}"
    same(f"{label} type", wp(item, "post_type"), "page")
    same(f"{label} title", item.findtext("title"), page["title"])
    same(f"{label} status", wp(item, "status"), page["status"])
    same(f"{label} slug", wp(item, "post_name"), page["slug"])
    same(f"{label} parent", int(wp(item, "post_parent")), page["parent"])
    same(f"{label} link", item.findtext("link"), page["link"])
    same(f"{label} date_gmt", wp(item, "post_date_gmt"), page["date_gmt"])
    check_body(label, item.findtext("content:encoded", default="", namespaces=NS), page["expected"])


def check_attachment(item: ET.Element, attachment: dict) -> None:
    label = f"attachment {attachment['wp_id']}"
    same(f"{label} type", wp(item, "post_type"), "attachment")
    same(f"{label} title", item.findtext("title"), attachment["title"])
    same(f"{label} parent", int(wp(item, "post_parent")), attachment["parent"])
    same(f"{label} url", wp(item, "attachment_url"), attachment["url"])
    same(f"{label} link", item.findtext("link"), attachment["link"])
    post_meta = meta(item)
    same(f"{label} file", post_meta.get("_wp_attached_file"), attachment["file"])
    same(f"{label} alt", post_meta.get("_wp_attachment_image_alt"), attachment["alt"])
    path = UPLOADS / attachment["file"]
    if not path.is_file():
        problems.append(f"{label}: {path} is missing")
        return
    data = path.read_bytes()
    same(f"{label} bytes", len(data), attachment["bytes"])
    same(f"{label} sha256", hashlib.sha256(data).hexdigest(), attachment["sha256"])
    for size in attachment.get("sizes", []):
        if (
            not (UPLOADS / size).is_file()
            or size.rsplit("/", 1)[1] not in post_meta["_wp_attachment_metadata"]
        ):
            problems.append(f"{label}: rendition {size} missing from uploads/ or its metadata")
    demo = attachment.get("same_bytes_as_demo_paper")
    if demo:
        paper = next(p for p in PAPERS if p["filename"] == demo)
        if make_pdf(paper["title"], paper["paragraphs"], paper["size"]) != data:
            problems.append(f"{label}: not the bytes load_demo_content makes for {demo}")


def check_comments(items: dict[int, ET.Element], expected: dict) -> None:
    found = {
        int(wp(c, "comment_id")): (post_id, c)
        for post_id, item in items.items()
        for c in item.findall("wp:comment", NS)
    }
    same("comment ids", sorted(found), sorted(c["wp_id"] for c in expected["comments"]))
    depth: dict[int, int] = {}
    for comment in expected["comments"]:
        if comment["wp_id"] not in found:
            continue
        label = f"comment {comment['wp_id']}"
        post_id, element = found[comment["wp_id"]]
        same(f"{label} post", post_id, comment["post"])
        for field, key in (
            ("parent", "comment_parent"),
            ("user_id", "comment_user_id"),
        ):
            same(f"{label} {field}", int(wp(element, key)), comment[field])
        for field, key in (
            ("author", "comment_author"),
            ("email", "comment_author_email"),
            ("url", "comment_author_url"),
            ("ip", "comment_author_IP"),
            ("date_gmt", "comment_date_gmt"),
            ("approved", "comment_approved"),
            ("type", "comment_type"),
        ):
            same(f"{label} {field}", wp(element, key), comment[field])
        depth[comment["wp_id"]] = depth.get(comment["parent"], 0) + 1
        same(f"{label} depth", depth[comment["wp_id"]], comment["depth"])
    statuses = Counter(c["expected"]["status"] for c in expected["comments"])
    counts = expected["expected_counts"]["comments"]
    same("approved comments", statuses["approved"], counts["approved"])
    same("pending comments", statuses["pending"], counts["pending"])
    same("trashed comments", statuses["trash"], counts["trash"])
    same("spam comments", sum(wp(c, "comment_approved") == "spam" for _, c in found.values()), 0)


def check_uploads(attachments: list[dict]) -> None:
    files = {str(p.relative_to(UPLOADS)) for p in UPLOADS.rglob("*") if p.is_file()}
    listed = {a["file"] for a in attachments} | {s for a in attachments for s in a.get("sizes", [])}
    same("files in uploads/", sorted(files), sorted(listed))
    total = sum((UPLOADS / f).stat().st_size for f in files)
    if total > MAX_UPLOADS_BYTES:
        problems.append(f"uploads/ weighs {total} bytes, over {MAX_UPLOADS_BYTES}")


def main() -> int:
    expected = json.loads((HERE / "expected.json").read_text(encoding="utf-8"))
    # The file is this folder's own fixture, written by WordPress; expat fetches no entities.
    channel = ET.parse(HERE / "export.xml").getroot().find("channel")  # noqa: S314
    assert channel is not None
    check_site(channel, expected["site"])
    check_people_and_terms(channel, expected)

    items = {int(wp(item, "post_id")): item for item in channel.findall("item")}
    posts = {p["wp_id"]: p for p in expected["posts"]}
    pages = {p["wp_id"]: p for p in expected["pages"]}
    attachments = {a["wp_id"]: a for a in expected["attachments"]}
    same("item ids", sorted(items), sorted([*posts, *pages, *attachments]))
    for wp_id, item in items.items():
        if wp_id in posts:
            check_post(item, posts[wp_id], attachments)
        elif wp_id in pages:
            check_page(item, pages[wp_id])
        elif wp_id in attachments:
            check_attachment(item, attachments[wp_id])
    check_comments(items, expected)
    check_uploads(expected["attachments"])

    counts = expected["expected_counts"]
    same(
        "posts by status",
        dict(Counter(p["status"] for p in posts.values())),
        counts["posts_by_wordpress_status"],
    )
    same(
        "public posts",
        sorted(p for p in posts if posts[p]["expected"]["public"]),
        counts["public_posts"],
    )
    for kind, number in (
        ("pages", len(pages)),
        ("categories", len(expected["categories"])),
        ("tags", len(expected["tags"])),
        ("authors", len(expected["authors"])),
    ):
        same(f"number of {kind}", number, counts[kind])

    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"expected.json: {len(items)} items, {len(problems)} mismatches with the export")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
