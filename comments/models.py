"""Replies (Comment and its queryset, where "approved" and "pending" are said once), the
discussion settings row and moderators' email preferences.

Longer than 250 lines on purpose: a model's fields are its documentation, so each keeps its
label, help text for staff and the reason for its on_delete, and the three models belong
together (the settings and preferences exist only for the replies).
"""

from functools import partial

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils import timezone

from documents.compiled import CompiledInsert, CompiledQuery
from documents.text_direction import isolated

# A visitor's website: a page on the web, never a script, a file server or data (the reply's
# field and the public form both check it).
WEB_ADDRESS = URLValidator(schemes=["http", "https"])


def replies(count: int) -> str:
    """ "1 reply", "3 replies": how staff messages count replies."""
    return f"{count} reply" if count == 1 else f"{count} replies"


def conversation():
    """The reply that began a reply's conversation: its thread_key, or itself. "id", not "pk":
    an index is built on it (comment_visible_conv_idx), and an index may name only columns."""
    return Coalesce("thread_key", "id", output_field=models.BigIntegerField())


class CommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self):
        return self.filter(status=Comment.Status.PENDING)

    def given_with(self, email: str):
        """Replies given with this email address, whatever its case. Both sides in lower case,
        so the index on the address in lower case (comment_email_idx) answers: email__iexact
        is a LIKE on SQLite, which no index serves, and a scan of every reply at a million."""
        return self.alias(email_key=Lower("email")).filter(email_key=Lower(models.Value(email)))

    def untold(self):
        """Held replies the moderators have not yet been told of (comments/announcements.py)."""
        return self.pending().filter(moderators_told=False)

    def visible_to(self, own_pending_ids=(), *, moderator: bool = False):
        """Approved replies, plus the visitor's own replies still waiting for a decision.

        A reply the spam rules caught also waits, as far as its author can tell, until a
        moderator decides: a person wrongly caught is not told they look like a spammer,
        and a spammer learns nothing about the rules. A moderator sees every pending reply,
        to decide it where it sits.
        """
        visible = models.Q(status=Comment.Status.APPROVED)
        if moderator:
            visible |= models.Q(status=Comment.Status.PENDING)
        if own_pending_ids:
            undecided = models.Q(status=Comment.Status.PENDING) | models.Q(
                status=Comment.Status.SPAM, moderated_at__isnull=True
            )
            visible |= undecided & models.Q(pk__in=own_pending_ids)
        return self.filter(visible)

    def counts_for(self, posts) -> dict[int, int]:
        """{post id: number of these comments} for the given posts, in one query."""
        rows = (
            self.filter(post__in=[post.pk for post in posts])
            .values("post")
            .annotate(count=models.Count("pk"))
            .values_list("post", "count")
        )
        return dict(rows.order_by())

    def for_page(self, post, own_pending_ids=(), *, moderator: bool = False):
        """What a visitor sees under a post, oldest first, with staff authors at hand."""
        return (
            self.visible_to(own_pending_ids, moderator=moderator)
            .filter(post=post)
            .select_related("user")
            .order_by("submitted_at", "pk")
        )

    def conversations(self):
        """The conversations these replies belong to, in the order they began."""
        return (
            self.annotate(conversation=conversation())
            .order_by("conversation")
            .values_list("conversation", flat=True)
            .distinct()
        )


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        SPAM = "spam", "Spam"
        TRASH = "trash", "Trash"

    # Every index below that begins with the post finds a post's replies: one more of its own
    # would only be written to on every reply sent.
    post = models.ForeignKey(
        "news.Post", on_delete=models.CASCADE, related_name="comments", db_index=False
    )
    # This and the two accounts below are empty on most replies: indexed only where they are
    # set (Meta.indexes), so a visitor's reply writes none of those indexes.
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,  # erasing one reply must not take others' answers with it
        db_index=False,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name="in reply to",
    )
    # Ids of every ancestor, outermost first ("12/40"): where to show a reply whose parent
    # is hidden or gone, and how deep it sits, without walking up the thread query by query.
    ancestry = models.CharField(max_length=255, blank=True, default="", editable=False)
    # The reply that began this conversation (empty on that reply itself): long discussions
    # are paged by conversation, and a page loads only its own conversations' replies.
    thread_key = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    name = models.CharField(max_length=100)
    email = models.EmailField(help_text="Never shown publicly.")
    website = models.URLField(blank=True, max_length=200, validators=[WEB_ADDRESS])
    text = models.TextField("comment", max_length=5000)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        db_index=False,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="The staff account that wrote this reply, if any.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    reason = models.CharField(
        max_length=255, blank=True, editable=False, help_text="Why it got its status."
    )
    notify_on_approval = models.BooleanField(
        "email the author when published", default=False, editable=False
    )
    post_author_notified = models.BooleanField(
        default=False, editable=False, help_text="The post's author has been told of it."
    )
    # False only while a held reply waits for the task that announces it to the moderators;
    # a reply not held is saved True, as there is nothing to tell (comments/announcements.py).
    moderators_told = models.BooleanField(
        "moderators have been told of this held reply", default=False, editable=False
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True, editable=False)
    moderated_at = models.DateTimeField(null=True, blank=True, editable=False)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,  # the decision stays on record if the account goes
        db_index=False,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        # What staff and visitors call them, everywhere the admin names the model.
        verbose_name = "reply"
        verbose_name_plural = "replies"
        ordering = ["-submitted_at", "-pk"]
        get_latest_by = "submitted_at"
        indexes = [
            models.Index(fields=["post", "status", "submitted_at"], name="comment_thread_idx"),
            models.Index(fields=["status", "-submitted_at"], name="comment_queue_idx"),
            models.Index(fields=["ip_address", "submitted_at"], name="comment_flood_idx"),
            models.Index(Lower("email"), "status", "post", name="comment_email_idx"),
            models.Index(fields=["post", "thread_key"], name="comment_conversation_idx"),
            # The conversations a visitor sees on a post (its discussion's pages, a new reply's
            # page number): approved ones by this index's range, their own by id, never a read
            # of every reply on the post (one with thousands held cost 0.7 ms on every reply).
            models.Index("post", "status", conversation(), name="comment_visible_conv_idx"),
            # Read on every held reply (is an announcement already on its way?) and by the
            # task that claims them: a few rows at most, however many replies there are.
            models.Index(
                fields=["submitted_at"],
                name="comment_untold_idx",
                condition=models.Q(status="pending", moderators_told=False),
            ),
            *(
                models.Index(
                    fields=[name],
                    name=f"comment_{name}_idx",
                    condition=models.Q(**{f"{name}__isnull": False}),
                )
                for name in ("parent", "user", "moderated_by")
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "approved", "spam", "trash"]),
                name="comment_status_valid",
            ),
        ]

    def __str__(self):
        return f"{isolated(self.name)} on {self.post}"

    def get_absolute_url(self):
        # Through a redirect: which page of a long discussion holds it changes over time.
        return reverse("comments:permalink", kwargs={"pk": self.pk})

    def _do_insert(self, manager, using, fields, returning_fields, raw):
        # Every reply sent is an INSERT: its SQL is written once per process (save() and its
        # signals run as ever), which the ORM otherwise spends more time on than SQLite.
        # _do_insert is Model.save()'s own step for one table's INSERT, not in django-stubs.
        django_insert = super()._do_insert  # type: ignore[misc]
        orm = partial(django_insert, manager, using, fields, returning_fields, raw)
        return _INSERT.insert(self, manager, using, fields, returning_fields, raw, orm)

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def is_staff_reply(self) -> bool:
        return self.user_id is not None

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.ancestry.split("/") if part]

    @property
    def depth(self) -> int:
        """0 for a reply to the post, 1 for a reply to a reply, and so on."""
        return len(self.ancestor_ids)

    def ancestry_for_child(self) -> str:
        return "/".join(map(str, [*self.ancestor_ids, self.pk]))

    @property
    def conversation_key(self) -> int:
        return self.thread_key or self.pk


class DiscussionSettings(models.Model):
    """The rules staff set for replies, edited in the admin; one row, made on first use."""

    hold_for_moderation = models.BooleanField(
        "hold every reply for moderation",
        default=True,
        help_text="Replies appear only once a moderator approves them.",
    )
    auto_approve_known_authors = models.BooleanField(
        "publish at once replies from people with an approved reply",
        default=False,
        help_text=(
            "Someone whose earlier reply, with the same name and email address, was approved "
            "is published without waiting. Email addresses are not verified, so anyone who "
            "knows a regular's name and address could use this."
        ),
    )
    max_links = models.PositiveSmallIntegerField(
        "hold replies with more links than",
        default=2,
        help_text="Spam usually carries many links.",
    )
    hold_words = models.TextField(
        "words that hold a reply",
        blank=True,
        help_text=(
            "One word or phrase per line. A reply whose name, email, website or text contains "
            "one waits for a moderator."
        ),
    )
    spam_words = models.TextField(
        "words that mark a reply as spam",
        blank=True,
        help_text="One word or phrase per line. A reply containing one goes straight to spam.",
    )
    close_after_days = models.PositiveSmallIntegerField(
        "close replies on posts older than (days)",
        default=0,
        help_text="0 keeps replies open for as long as each post allows them.",
    )
    notify_post_author = models.BooleanField(
        "email a post's author when a reply to it is published", default=True
    )

    class Meta:
        verbose_name = verbose_name_plural = "discussion settings"

    def __str__(self):
        return "Discussion settings"

    @classmethod
    def current(cls) -> "DiscussionSettings":
        # The row comes with the migrations; it is remade only if someone wiped the table.
        # Read on every reply, so through SQL written once per process (documents.compiled).
        return _SETTINGS_ROW.get(1) or cls.objects.get_or_create(pk=1)[0]

    @staticmethod
    def _words(text: str) -> list[str]:
        return [line.strip().casefold() for line in text.splitlines() if line.strip()]

    @property
    def hold_word_list(self) -> list[str]:
        return self._words(self.hold_words)

    @property
    def spam_word_list(self) -> list[str]:
        return self._words(self.spam_words)


class ModeratorPreference(models.Model):
    """How one moderator hears about replies waiting for them."""

    class Delivery(models.TextChoices):
        EACH = "each", "An email for each reply held for moderation"
        DAILY = "daily", "One daily digest of replies waiting"
        NONE = "none", "No email"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderator_preference"
    )
    delivery = models.CharField(
        "email me", max_length=10, choices=Delivery.choices, default=Delivery.EACH
    )

    class Meta:
        verbose_name = "moderator email preference"

    def __str__(self):
        return f"{self.user}: {self.get_delivery_display()}"


_INSERT = CompiledInsert()
_SETTINGS_ROW = CompiledQuery(
    DiscussionSettings,
    [field.name for field in DiscussionSettings._meta.concrete_fields],
    lambda pk: DiscussionSettings.objects.filter(pk=pk),
)
