from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator


class PostQuerySet(models.QuerySet):
    def published(self):
        """Posts the public may see: published, and their publication date has come."""
        return self.filter(status=Post.Status.PUBLISHED, published_at__lte=timezone.now())

    def visible_to(self, user):
        """Staff who manage posts also see drafts; everyone else sees published posts."""
        if user.is_active and user.has_perm("news.view_post"):
            return self.all()
        return self.published()

    def with_attachments(self):
        """Each post's papers in the order staff chose, in one extra query."""
        return self.prefetch_related(
            models.Prefetch(
                "attachments",
                queryset=Attachment.objects.select_related("document").order_by("position", "pk"),
            )
        )


class Post(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=255)
    slug = models.SlugField(
        max_length=255,
        unique=True,
        help_text="The last part of the post's address, e.g. /news/<b>my-post</b>/.",
    )
    excerpt = models.TextField(
        blank=True,
        help_text="A sentence or two for listings. Left blank, the start of the body is used.",
    )
    body = models.TextField(help_text="Separate paragraphs with a blank line.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,  # a post outlives its author's account
        null=True,
        blank=True,
        related_name="posts",
    )
    signature = models.CharField(
        max_length=100, blank=True, help_text="Shown at the end of the post, e.g. “ImROC team”."
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(
        "publication date",
        null=True,
        blank=True,
        help_text="Filled in when the post is first published; it orders the listings.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        get_latest_by = "published_at"
        indexes = [
            models.Index(fields=["status", "-published_at"], name="post_listing_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "published"]),
                name="post_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="published") | models.Q(published_at__isnull=False),
                name="post_published_has_date",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self._date_publication()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("news:post_detail", kwargs={"slug": self.slug})

    def clean(self):
        self._date_publication()

    def _date_publication(self):
        """A post published without a date is published now."""
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()

    @property
    def is_public(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def summary(self) -> str:
        """The excerpt, or the body's opening words when staff left it blank."""
        return self.excerpt or Truncator(self.body).words(40)


class Attachment(models.Model):
    """A paper attached to a post, in the position staff chose."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "documents.Document",
        on_delete=models.PROTECT,  # a paper in use cannot vanish from under a post
        related_name="attachments",
        verbose_name="paper",
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "attached paper"
        constraints = [
            models.UniqueConstraint(fields=["post", "document"], name="attachment_unique_per_post"),
        ]

    def __str__(self):
        return f"{self.document} on {self.post}"
