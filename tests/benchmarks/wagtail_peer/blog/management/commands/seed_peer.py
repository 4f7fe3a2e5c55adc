"""The same content as ours: N posts under a news index, R approved replies each, and one
paper of the given size linked from every post."""

from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from wagtail.documents.models import Document
from wagtail.models import Page, Site

from blog.models import BlogIndexPage, BlogPage, Reply


class Command(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("--posts", type=int, default=1000)
        parser.add_argument("--replies-per-post", type=int, default=20)
        parser.add_argument("--pdf", required=True, help="The paper every post links to.")

    @transaction.atomic
    def handle(self, *args, posts, replies_per_post, pdf, **options):
        root = Page.get_first_root_node()
        Page.objects.filter(depth__gt=1).delete()
        index = root.add_child(instance=BlogIndexPage(title="News", slug="news"))
        Site.objects.all().delete()
        Site.objects.create(hostname="127.0.0.1", port=80, root_page=index, is_default_site=True)
        with open(pdf, "rb") as content:
            paper = Document(title="Recovery: the Business Case")
            paper.file.save("paper.pdf", ContentFile(content.read()), save=False)
            paper.save()
        now = timezone.now()
        for n in range(posts):
            body = "".join(
                f"<p>Paragraph {p} of post {n}. People in recovery, their families and staff "
                f"learn together in the recovery course.</p>"
                for p in range(5)
            )
            post = index.add_child(
                instance=BlogPage(
                    title=f"Post {n}: recovery college peer support",
                    slug=f"bench-{n}",
                    date=now - timedelta(minutes=10 * n + 1),
                    intro=f"Post {n} about recovery.",
                    body=body,
                    paper=paper,
                    first_published_at=now - timedelta(minutes=10 * n + 1),
                )
            )
            Reply.objects.bulk_create(
                Reply(
                    page=post,
                    name=f"Reader {k}",
                    email=f"reader{k}@example.org",
                    text=f"Reply {k}: thank you, this work matters to us.",
                    approved=True,
                )
                for k in range(replies_per_post)
            )
        self.stdout.write(f"Peer site: {posts} posts, {posts * replies_per_post} replies.")
