"""What an import remembers: which WordPress item became which object here, and the old
site's addresses that now redirect."""

from django.db import models

from documents.models import Document
from news.models import Post


class ImportedItem(models.Model):
    """One WordPress item (post, page, attachment, comment, author, term) and what it became.

    Matched by the old site's address and the item's ID, so a second run finds it again.
    `source_hash` is a digest of the item as WordPress exported it (a later export with a
    different digest was changed there); `local_hash` is a digest of the object here as the
    import left it (a different one now means staff edited it here since).
    """

    class Kind(models.TextChoices):
        POST = "post", "Post"
        PAGE = "page", "Page"
        ATTACHMENT = "attachment", "Attachment"
        COMMENT = "comment", "Comment"
        AUTHOR = "author", "Author"
        CATEGORY = "category", "Category"
        TAG = "tag", "Tag"

    source_site = models.CharField(max_length=255, help_text="The old site's address.")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    wp_id = models.CharField("WordPress ID", max_length=255)
    guid = models.CharField(max_length=500, blank=True)
    # The object here: its model follows from `kind` (a paper or an image for an attachment).
    object_model = models.CharField(max_length=60)
    object_id = models.CharField(max_length=255)
    source_hash = models.CharField(max_length=64)
    local_hash = models.CharField(max_length=64, blank=True)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source_site", "kind", "wp_id"], name="imported_item_unique"
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.wp_id} of {self.source_site}"


class LegacyAddress(models.Model):
    """An address of the old site, answered with a permanent redirect when nothing here
    answers it (wordpress.middleware). `path` is decoded, with its query (`/?p=12`) if any.
    It leads to a post, a paper (its page, or its file with `download`) or a fixed address."""

    path = models.CharField(max_length=500, unique=True)
    post = models.ForeignKey(
        Post,
        on_delete=models.CASCADE,  # a deleted post's old addresses have nowhere to go
        null=True,
        blank=True,
        related_name="legacy_addresses",
    )
    document = models.ForeignKey(
        Document,
        on_delete=models.CASCADE,  # a deleted paper's old addresses have nowhere to go
        null=True,
        blank=True,
        related_name="legacy_addresses",
    )
    # For what is neither (a category, a tag, the feed): the address here.
    target = models.CharField(max_length=500, blank=True)
    download = models.BooleanField(default=False, help_text="To the paper's file, not its page.")

    class Meta:
        verbose_name_plural = "legacy addresses"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(post__isnull=False)
                | models.Q(document__isnull=False)
                | ~models.Q(target=""),
                name="legacy_address_has_target",
            ),
        ]

    def __str__(self):
        return f"{self.path} → {self.destination}"

    @property
    def destination(self) -> str | None:
        """Where the old address leads now; None while that is not public (a draft's old
        address must not tell its new one, which holds its title)."""
        if post := self.post:
            return post.get_absolute_url() if post.is_public else None
        if document := self.document:
            if not document.is_public:
                return None
            return document.get_download_url() if self.download else document.get_absolute_url()
        return self.target
