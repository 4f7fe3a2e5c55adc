"""A WordPress post's content (block markup, or classic HTML with shortcodes and bare line
breaks) as the site's rich text, passed through the same sanitiser as a body typed here.

What the site's body cannot hold is said, not silently lost: each image is offered to the
caller, which stores it as one of the site's own pictures or reports it (wordpress.pictures),
and shortcodes that stood for something the site has no place for (galleries, forms) are
named.

Over 250 lines: shortcodes, paragraphs and the HTML rewriting are three steps of one
conversion, and the comments' plain text (comment_text) shares its patterns.
"""

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import cast

from django.utils.html import strip_tags
from django_prose_editor.fields import ProseEditorField

from news.models import Post

# A link's new address, and its new label if the old one was a size ("Download (PDF, 375KB)");
# an empty address takes the link away and keeps its words (a link to an image's old file).
LinkRewrite = Callable[[str], tuple[str, str | None] | None]
# An image's (src, alt) → the attributes of the site's own picture (src, alt, width, height),
# or None to leave the image out.
PlaceImage = Callable[[str, str], dict | None]

_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_CAPTION = re.compile(r"\[(?:wp_)?caption\b[^\]]*\](.*?)\[/(?:wp_)?caption\]", re.DOTALL)
_CAPTIONED = re.compile(r"\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)", re.DOTALL)
_ALT = re.compile(r"""\salt\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_EMBED = re.compile(r"\[embed\b[^\]]*\](.*?)\[/embed\]", re.DOTALL)
_MEDIA = re.compile(
    r"\[(audio|video)\b[^\]]*?\b(?:src|mp3|mp4|m4a|ogg|webm)=[\"']([^\"']+)[\"'][^\]]*\]"
)
_PAIRED = re.compile(r"\[([a-zA-Z_][\w-]*)\b[^\]]*\](.*?)\[/\1\]", re.DOTALL)
# A shortcode standing alone: [gallery ids="1,2"], [contact-form-7 id="5"], [audio /].
_SINGLE = re.compile(r"\[([a-zA-Z_][\w-]*)(?:\s[^\]]*=[^\]]*|\s*/)\]")
_KNOWN_SINGLE = re.compile(r"\[(gallery|playlist|audio|video|embed)\b[^\]]*\]")
_ESCAPED = re.compile(r"\[(\[[^\[\]]*\])\]")  # [[gallery]] shows "[gallery]" in WordPress
_BLOCK_START = re.compile(
    r"^\s*<(p|h[1-6]|ul|ol|li|blockquote|div|figure|table|pre|hr|dl|section)\b", re.IGNORECASE
)
_SIZE_LABEL = re.compile(r"^\s*Download\s*\(\s*PDF\s*,\s*[\d.,]+\s*[KMG]?B\s*\)\s*$", re.IGNORECASE)
# Left behind where an image stood alone in its paragraph.
_EMPTY_PARAGRAPH = re.compile(r"<p>(?:\s|<br>)*</p>\n?")
_HEADINGS = {"h1": "h2", "h5": "h4", "h6": "h4"}
_DROPPED_WITH_CONTENT = {"script", "style", "noscript", "template", "iframe", "object", "svg"}
_VOID = {"br", "hr", "img", "input", "meta", "link", "source", "wbr", "area", "col", "embed"}
_PLACEHOLDER = "\ue000"  # private use: marks escaped brackets while shortcodes are handled


@dataclass
class Body:
    html: str
    images: list[tuple[str, str]] = field(default_factory=list)  # (src, alt) in order
    dropped: list[str] = field(default_factory=list)  # what the site's body cannot hold


def sanitise(markup: str) -> str:
    """The site's own rule for a post body (news.models.Post.body), nothing added."""
    return cast(ProseEditorField, Post._meta.get_field("body")).sanitize(markup)


def convert(
    content: str,
    *,
    rewrite_link: LinkRewrite = lambda href: None,
    place_image: PlaceImage = lambda src, alt: None,
) -> Body:
    """WordPress content → the site's sanitised rich text, its images, what was dropped."""
    body = Body("")
    is_blocks = "<!-- wp:" in content
    text = _COMMENT.sub("", content)
    text = _shortcodes(text, body)
    if not is_blocks:
        text = autop(text)
    rewriter = _Rewriter(body, rewrite_link, place_image)
    rewriter.feed(text)
    rewriter.close()
    body.html = _EMPTY_PARAGRAPH.sub("", sanitise("".join(rewriter.out))).strip()
    return body


def _shortcodes(text: str, body: Body) -> str:
    text = _ESCAPED.sub(lambda m: _hide_brackets(m.group(1)), text)

    def caption(match: re.Match) -> str:
        if found := _CAPTIONED.match(match.group(1)):
            image, words = found.groups()
            if not words.strip():
                return image
            return f"{_with_alt(image, strip_tags(words).strip())}<p>{words.strip()}</p>"
        return match.group(1)

    text = _CAPTION.sub(caption, text)
    text = _EMBED.sub(lambda m: _link_paragraph(m.group(1).strip()), text)
    text = _MEDIA.sub(lambda m: _link_paragraph(m.group(2).strip()), text)

    def single(match: re.Match) -> str:
        body.dropped.append(f"[{match.group(1)}] shortcode")
        return ""

    text = _KNOWN_SINGLE.sub(single, text)
    # Paired shortcodes of plugins: their content is kept, the brackets go. Repeated for nesting.
    for _ in range(5):
        text, found = _PAIRED.subn(lambda m: m.group(2), text)
        if not found:
            break
    text = _SINGLE.sub(single, text)
    return text.replace(_PLACEHOLDER + "(", "[").replace(_PLACEHOLDER + ")", "]")


def _with_alt(image: str, words: str) -> str:
    """The captioned image, its caption as its alt text if it had none."""
    alt = _ALT.search(image)
    if alt and (alt.group(1) or alt.group(2) or "").strip():
        return image
    described = f' alt="{html.escape(html.unescape(words))}"'
    if alt:
        return image[: alt.start()] + described + image[alt.end() :]
    return image.replace("<img", "<img" + described, 1)


def _hide_brackets(text: str) -> str:
    return text.replace("[", _PLACEHOLDER + "(").replace("]", _PLACEHOLDER + ")")


def _link_paragraph(url: str) -> str:
    quoted = html.escape(url)
    return f'<p><a href="{quoted}">{quoted}</a></p>'


def autop(text: str) -> str:
    """WordPress's wpautop, in short: blank lines make paragraphs, single ones line breaks."""
    chunks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    out = []
    for chunk in chunks:
        if not chunk.strip():
            continue
        if _BLOCK_START.match(chunk):
            out.append(chunk.strip())
        else:
            out.append("<p>" + chunk.strip().replace("\n", "<br>\n") + "</p>")
    return "\n".join(out)


class _Rewriter(HTMLParser):
    """Writes the HTML again: headings the site has, links to their new addresses, images
    as the caller places them, scripts and styles dropped with their content."""

    def __init__(self, body: Body, rewrite_link: LinkRewrite, place_image: PlaceImage):
        super().__init__(convert_charrefs=True)
        self.body = body
        self.rewrite_link = rewrite_link
        self.place_image = place_image
        self.out: list[str] = []
        self.skipping = 0
        self.new_label: str | None = None
        self.link_words: list[str] = []
        self.in_link = False
        self.unwrapped = False

    def handle_starttag(self, tag, attrs):
        if tag in _DROPPED_WITH_CONTENT:
            if tag not in _VOID:
                self.skipping += 1
            return
        if self.skipping:
            return
        values = {name: value or "" for name, value in attrs}
        if tag == "img":
            src, alt = values.get("src", ""), values.get("alt", "").strip()
            if src:
                self.body.images.append((src, alt))
            if src and (placed := self.place_image(src, alt)):
                attributes = "".join(f' {k}="{html.escape(str(v))}"' for k, v in placed.items())
                self._emit(f"<img{attributes}>")
            return
        tag = _HEADINGS.get(tag, tag)
        if tag == "figcaption":
            tag = "p"
        if tag == "a":
            self.in_link = True
            self.link_words = []
            self.new_label = None
            if (href := values.get("href")) and (rewritten := self.rewrite_link(href)):
                values["href"], self.new_label = rewritten
            self.unwrapped = values.get("href") == ""
        rendered = "".join(f' {name}="{html.escape(value)}"' for name, value in values.items())
        if tag == "a":
            if not self.unwrapped:
                self.out.append(f"<{tag}{rendered}>")
        else:
            self._emit(f"<{tag}{rendered}>")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "a" and not self.skipping:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in _DROPPED_WITH_CONTENT:
            self.skipping = max(self.skipping - 1, 0)
            return
        if self.skipping or tag == "img":
            return
        tag = _HEADINGS.get(tag, tag)
        if tag == "figcaption":
            tag = "p"
        if tag == "a" and self.in_link:
            words = "".join(self.link_words)
            if self.new_label and _SIZE_LABEL.match(html.unescape(strip_tags(words))):
                words = html.escape(self.new_label)
            self.out.append(words)
            self.in_link = False
            if not self.unwrapped:
                self.out.append("</a>")
            return
        self._emit(f"</{tag}>")

    def handle_data(self, data):
        if not self.skipping:
            self._emit(html.escape(data, quote=False))

    def _emit(self, markup: str) -> None:
        (self.link_words if self.in_link else self.out).append(markup)


_LINK = re.compile(
    r"<a\b[^>]*?\bhref\s*=\s*([\"'])(.*?)\1[^>]*>(.*?)</a>", re.IGNORECASE | re.DOTALL
)
_LINE_END = re.compile(r"<br\s*/?>|</p>|</li>|</blockquote>|</h[1-6]>", re.IGNORECASE)
_UNSAFE_BLOCK = re.compile(
    r"<(script|style|noscript|template|iframe|object|svg)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL
)


def comment_text(content: str) -> str:
    """A WordPress comment (HTML) as the plain text replies here hold: tags gone, a link's
    address kept after its words, paragraphs as blank lines. Shown escaped, as typed replies
    are (comments' comment_html filter), so nothing in it can run."""
    text = _UNSAFE_BLOCK.sub("", content.replace("\r\n", "\n"))

    def link(match: re.Match) -> str:
        href, words = html.unescape(match.group(2)).strip(), strip_tags(match.group(3)).strip()
        safe = href if re.match(r"(?i)https?://", href) else ""
        if not safe or html.unescape(words) == safe:
            return words or safe
        return f"{words} ({safe})"

    text = _LINK.sub(link, text)
    text = _LINE_END.sub(lambda m: "\n\n" if m.group(0).lower() == "</p>" else "\n", text)
    text = html.unescape(strip_tags(text))
    return re.sub(r"\n{3,}", "\n\n", text).strip()
