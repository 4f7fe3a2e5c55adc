"""Fill an empty site with the 2014 ImROC briefing-papers post, its two papers and two replies."""

from collections import Counter

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.html import escape

from comments.models import Comment
from comments.services import moderate, submit_comment
from documents.ingest import ingest_upload
from documents.models import Document
from imroc_site.demo.admin_account import ensure_demo_admin
from imroc_site.demo.more_posts import demo_image, more_posts
from imroc_site.demo.pdf import make_pdf
from imroc_site.demo.seed_post import COMMENTS, PAPERS, POST_SLUG, PUBLISHED_AT, SEED_POST
from news.models import Attachment, Category, Post
from news.services import save_post

NEWS = "news"


def as_html(paragraphs: list[str]) -> str:
    """Plain paragraphs as the body of a post."""
    return "".join(f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs)


class Command(BaseCommand):
    help = (
        "Load the demo news post, its two PDF papers and three replies. Safe to run again: "
        "anything already there is left as it is."
    )

    def add_arguments(self, parser):
        parser.add_argument("--author", help="Username of an existing user to credit the post to.")
        parser.add_argument(
            "--admin",
            action="store_true",
            help="Also ensure a demo superuser (env DEMO_ADMIN_USERNAME, DEMO_ADMIN_PASSWORD) "
            "and print how to log in.",
        )

    def handle(self, *args, author=None, admin=False, **options):
        # created? -> kind -> how many
        self.tally: dict[bool, Counter[str]] = {True: Counter(), False: Counter()}
        with transaction.atomic():
            post = self.load_post(author)
            for position, paper in enumerate(PAPERS):
                self.load_paper(post, position, paper)
            for comment in COMMENTS:
                self.load_comment(post, comment)
            for fields in more_posts():
                self.load_more_post(fields, author)
            login = self.ensure_admin() if admin else None
        self.stdout.write(
            f"Demo content: created {self.describe(True)}; already there: {self.describe(False)}."
        )
        if login:
            self.stdout.write(login)

    def count(self, created: bool, kind: str) -> None:
        self.tally[created][kind] += 1

    def describe(self, created: bool) -> str:
        parts = [f"{n} {kind}{'s' * (n != 1)}" for kind, n in self.tally[created].items()]
        return ", ".join(parts) or "nothing"

    def load_post(self, author_name):
        author = None
        if author_name:
            author = get_user_model().objects.filter(username=author_name).first()
            if author is None:
                self.stderr.write(f"No user named “{author_name}”: the post has no author.")
        title, _, body = SEED_POST.read_text(encoding="utf-8").partition("\n\n")
        paragraphs = [paragraph.strip() for paragraph in body.strip().split("\n\n")]
        post, created = Post.objects.get_or_create(
            slug=POST_SLUG,
            defaults={
                "title": title.strip(),
                "body": as_html(paragraphs),
                "excerpt": paragraphs[0].split(". ", 1)[0] + ".",
                "category": Category.objects.get(slug=NEWS),
                "signature": "ImROC team",
                "author": author,
                "status": Post.Status.PUBLISHED,
                "published_at": PUBLISHED_AT,
            },
        )
        self.count(created, "post")
        return post

    def load_more_post(self, fields, author_name):
        fields = dict(fields)
        tags = fields.pop("tags")
        paragraphs = fields.pop("paragraphs")
        category = Category.objects.get(slug=fields.pop("category"))
        if Post.objects.filter(slug=fields["slug"]).exists():
            self.count(False, "post")
            return
        post = Post(
            **fields,
            category=category,
            body=as_html(paragraphs),
            status=Post.Status.PUBLISHED,
            author=get_user_model().objects.filter(username=author_name or "").first(),
        )
        if post.image_alt:
            post.image.save("demo-hills.jpg", ContentFile(demo_image()), save=False)
        post.full_clean()
        save_post(post, by=None)
        post.tags.add(*tags)
        self.count(True, "post")

    def load_paper(self, post, position, paper):
        document = Document.objects.filter(title=paper["title"]).first()
        self.count(document is None, "paper")
        if document is None:
            pdf = make_pdf(paper["title"], paper["paragraphs"], paper["size"])
            document = ingest_upload(
                Document(title=paper["title"]), ContentFile(pdf, name=paper["filename"]), by=None
            )
        _, created = Attachment.objects.get_or_create(
            post=post, document=document, defaults={"position": position}
        )
        self.count(created, "attachment")

    def load_comment(self, post, comment):
        exists = Comment.objects.filter(
            post=post, name=comment["name"], email=comment["email"]
        ).exists()
        self.count(not exists, "comment")
        if exists:
            return
        parent = None
        if comment.get("reply_to"):
            parent = Comment.objects.filter(post=post, name=comment["reply_to"]).first()
        saved = submit_comment(
            post=post,
            parent=parent,
            name=comment["name"],
            email=comment["email"],
            website="",
            text=comment["text"],
            ip_address=None,
            reason="Demo content",
        )
        # Dated just after the post, so the thread reads naturally under a 2014 post.
        replies = Comment.objects.filter(pk=saved.pk)
        replies.update(submitted_at=comment["submitted_at"])
        if comment["approved"]:
            moderate(replies, status=Comment.Status.APPROVED, by=None)

    def ensure_admin(self) -> str:
        created, login = ensure_demo_admin()
        self.count(created, "admin user")
        return login
