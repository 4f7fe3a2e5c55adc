from django.conf import settings
from django.db import models
from django.utils import timezone


class CommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self):
        return self.filter(status=Comment.Status.PENDING)

    def for_page(self, post, own_pending_ids=()):
        """What a visitor sees under a post: approved replies, plus their own pending ones."""
        visible = models.Q(status=Comment.Status.APPROVED)
        if own_pending_ids:
            visible |= models.Q(status=Comment.Status.PENDING, pk__in=own_pending_ids)
        return self.filter(visible, post=post).order_by("submitted_at", "pk")


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        SPAM = "spam", "Spam"

    post = models.ForeignKey("news.Post", on_delete=models.CASCADE, related_name="comments")
    name = models.CharField(max_length=100)
    email = models.EmailField(help_text="Never shown publicly.")
    website = models.URLField(blank=True, max_length=200)
    text = models.TextField("comment", max_length=5000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    submitted_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    moderated_at = models.DateTimeField(null=True, blank=True, editable=False)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,  # the decision stays on record if the account goes
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        get_latest_by = "submitted_at"
        indexes = [
            models.Index(fields=["post", "status", "submitted_at"], name="comment_thread_idx"),
            models.Index(fields=["status", "-submitted_at"], name="comment_queue_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "approved", "spam"]),
                name="comment_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.name} on {self.post}"

    def get_absolute_url(self):
        return f"{self.post.get_absolute_url()}#comment-{self.pk}"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING
