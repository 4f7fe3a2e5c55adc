"""What other apps may ask of news, as small explicit functions."""

from django.db.models import Exists, OuterRef

from news.models import Attachment, Post


def document_post_conditions():
    """Two conditions on papers: carried by a published post; carried by any post."""
    attachments = Attachment.objects.filter(document=OuterRef("pk"))
    # Each attachment's post is checked by primary key: "post IN (published posts)" leads
    # SQLite to walk every published post for every paper.
    on_published_post = attachments.filter(
        Exists(Post.objects.published().filter(pk=OuterRef("post")))
    )
    return Exists(on_published_post), Exists(attachments)


def published_posts_using(document_ids) -> dict[int, list[Post]]:
    """The published posts carrying each paper, newest first, keyed by paper id: one query.

    Papers on no published post are left out of the mapping. Each post has its title, slug
    and published_at loaded (what a paper's page shows of it), nothing else.
    """
    attachments = (
        Attachment.objects.filter(document__in=document_ids)
        .filter(Exists(Post.objects.published().filter(pk=OuterRef("post"))))
        .select_related("post")
        .only("document", "post__title", "post__slug", "post__published_at")
        .order_by("-post__published_at", "-post__pk")
    )
    used_in: dict[int, list[Post]] = {}
    for attachment in attachments:
        used_in.setdefault(attachment.document_id, []).append(attachment.post)
    return used_in
