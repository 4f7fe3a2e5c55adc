"""Posts, their categories, attached papers and old addresses, with the querysets that read them.

Over 250 lines: a post has many fields, each with help text written for staff, and the
querysets stay beside the models they name. When a post is public and when an event is still
to come are written once, in news.conditions, and read by both querysets and properties.
"""

import html
import re
import secrets
from typing import cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django_prose_editor.fields import ProseEditorField
from taggit.managers import TaggableManager
from taggit.models import Tag

from documents.models import Document
from documents.text_direction import isolated
from news.body_html import body_sanitiser
from news.conditions import State, Status, holds, state_conditions, upcoming_condition
from news.conditions import State as _State  # for annotations in Post, where State is its own
from news.images import validate_image
from news.search.scoring import POST_FIELDS, ranked

# What staff may put in a post's body; the same list sanitises whatever is saved or pasted
# (news.body_html, which adds the rule that pictures come from the site itself).
BODY_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto", "tel"]},
    "HardBreak": True,
    "HorizontalRule": True,
    "History": True,
    # Pictures, each with a description; news.body_html keeps only the site's own.
    "Image": True,
    # The library turns the browser's spell-check off by default: staff want it on.
    "NoSpellCheck": False,
    # Every button on its own (no drop-downs), in the order people reach for them; their
    # words and glyphs are set by news/static/news/editor.js.
    "Menu": {
        "groups": [
            {"group": "headings"},
            {"group": "lists"},
            {"group": "nodes -blockType -lists"},
            {"group": "marks"},
            {"group": "link"},
            {"group": "history"},
        ]
    },
}

EVENTS_SLUG = "events"
# Where one block of text ends and the next begins, so their words stay apart as plain text.
_BLOCK_END = re.compile(r"</(p|h[1-6]|li|blockquote|div)>|<br\s*/?>|<hr\s*/?>", re.IGNORECASE)


def new_preview_key() -> str:
    return secrets.token_urlsafe(24)


def html_to_text(markup: str) -> str:
    """HTML as the words a reader sees: block ends become spaces so words never run together."""
    return " ".join(html.unescape(strip_tags(_BLOCK_END.sub(" ", markup))).split())


class Category(models.Model):
    """A section of the site (News, Events...), with an archive page of its published posts."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True, help_text="Shown at the top of its archive page.")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("news:category", kwargs={"slug": self.slug})


class PostQuerySet(models.QuerySet):
    def in_state(self, state: State):
        """Posts in `state` now, by the one definition Post.state also reads."""
        return self.filter(state_conditions(timezone.now())[state])

    def published(self):
        """Posts the public may see: published, their time has come, and not yet expired."""
        return self.in_state(State.PUBLISHED)

    def scheduled(self):
        return self.in_state(State.SCHEDULED)

    def search(self, terms: list[str]):
        """Posts holding every term, annotated with a `score` (news.search.scoring's rules)."""
        return ranked(self, terms, POST_FIELDS)

    def visible_to(self, user):
        """Staff who manage posts also see drafts; everyone else sees published posts."""
        if user.is_active and user.has_perm("news.view_post"):
            return self.all()
        return self.published()

    def used_tags(self):
        """The tags these posts use, each once: of published posts, the tags with a page."""
        return Tag.objects.filter(models.Exists(self.filter(tags=models.OuterRef("pk"))))

    def events(self):
        return self.filter(event_start__isnull=False)

    def upcoming_events(self):
        """Events that have not finished yet, soonest first."""
        upcoming = upcoming_condition(timezone.now())
        return self.events().filter(upcoming).order_by("event_start", "pk")

    def upcoming_events_first(self):
        """Upcoming events soonest first, then past ones most recent first, then other posts."""
        upcoming = upcoming_condition(timezone.now())
        group = models.Case(
            models.When(upcoming, then=models.Value(0)),
            models.When(event_start__isnull=False, then=models.Value(1)),
            default=models.Value(2),
            output_field=models.IntegerField(),
        )
        soonest = models.Case(models.When(upcoming, then=models.F("event_start")))
        return self.alias(group=group, soonest=soonest).order_by(
            "group",
            models.F("soonest").asc(nulls_last=True),
            models.F("event_start").desc(nulls_last=True),
            "-pk",
        )

    def published_before(self, post: "Post"):
        """Public posts published before `post` (at its very moment: a lower pk), newest first.

        The bound on the date alone comes first, so an index on the date starts where `post`
        is and stops at the first match: ORed with the tie, it would walk every newer post,
        and SQLite bounds its walk by the first of two limits on one column (published()'s
        "up to now" would be the other, so it is added after).
        """
        when = post.published_at
        earlier = models.Q(published_at__lt=when) | models.Q(pk__lt=post.pk)
        bounded = self.filter(published_at__lte=when).filter(earlier)
        return bounded.published().order_by("-published_at", "-pk")

    def published_after(self, post: "Post"):
        """Public posts published after `post` (at its very moment: a higher pk), oldest first."""
        when = post.published_at
        later = models.Q(published_at__gt=when) | models.Q(pk__gt=post.pk)
        bounded = self.filter(published_at__gte=when).filter(later)
        return bounded.published().order_by("published_at", "pk")

    def pinned_first(self):
        """Pinned posts (sticky) first, newest first within each group: the home page's order."""
        return self.order_by("-sticky", "-published_at", "-pk")

    def for_listing(self):
        """Everything a list of posts shows, in a fixed number of queries."""
        return self.select_related("author", "category").prefetch_related("tags")

    def with_attachments(self):
        """Each post's papers in the order staff chose, in one extra query.

        Staff-only papers are never shown with a post, even to staff previewing it: the post
        shows what visitors will see.
        """
        # Each attachment's paper is checked by primary key: "document IN (papers shown)"
        # leads SQLite to try every paper against every post of the page.
        shown = Attachment.objects.filter(
            models.Exists(
                Document.objects.shown_with_posts().filter(pk=models.OuterRef("document"))
            )
        )
        return self.prefetch_related(
            models.Prefetch(
                "attachments",
                # A paper's text (all its pages, extracted for search) is never shown with a
                # post: hundreds of kilobytes each, left in the database.
                queryset=shown.select_related("document")
                .defer("document__text")
                .order_by("position", "pk"),
            )
        )


class Post(models.Model):
    """A news item or an event. Public while published, its time come and not yet taken down:
    Post.objects.published() lists exactly the posts whose `is_public` is true."""

    Status = Status  # what staff chose (the stored field)
    State = State  # where the post stands now (`state`, derived from status and dates)

    title = models.CharField(max_length=255)
    slug = models.SlugField(
        "web address",
        max_length=255,
        unique=True,
        help_text="The last part of the post's address on the site: lower-case letters, "
        "numbers and hyphens. Changing it keeps the old address working: visitors are "
        "redirected.",
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,  # a category in use cannot vanish with its posts' archive
        related_name="posts",
    )
    tags = TaggableManager(
        blank=True, help_text="Separate tags with commas, e.g. “Peer support, Recovery”."
    )
    excerpt = models.TextField(
        blank=True,
        help_text="A sentence or two for listings and search engines. Left blank, it is made "
        "from the start of the body.",
    )
    body = ProseEditorField(extensions=BODY_EXTENSIONS, sanitize=body_sanitiser(BODY_EXTENSIONS))
    body_text = models.TextField(
        blank=True, editable=False, help_text="The body as plain text, for search and summaries."
    )
    image = models.ImageField(
        "featured image",
        upload_to="images/%Y/",
        blank=True,
        width_field="image_width",
        validators=[validate_image],
        height_field="image_height",
        help_text="Shown at the top of the post and when it is shared. JPEG, PNG or WebP.",
    )
    image_alt = models.CharField(
        "image description",
        max_length=255,
        blank=True,
        help_text="Describe the image for people who cannot see it (required with an image).",
    )
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_renditions = models.JSONField(default=list, blank=True, editable=False)
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
    sticky = models.BooleanField(
        "pin to the top of the home page",
        default=False,
        help_text="Tick to show this post above newer ones on the home page until you untick it.",
    )
    comments_open = models.BooleanField(
        "allow replies",
        default=True,
        help_text="Untick to close the discussion; replies already published stay.",
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(
        "publication date",
        null=True,
        blank=True,
        help_text="UK time (Europe/London). A date in the future schedules the post: it appears "
        "by itself at that moment. Left blank, publishing uses the current time.",
    )
    expires_at = models.DateTimeField(
        "take down at",
        null=True,
        blank=True,
        help_text="UK time (Europe/London). Optional: the post disappears from the site then.",
    )
    event_start = models.DateTimeField(
        "event starts", null=True, blank=True, help_text="UK time. Required for events."
    )
    event_end = models.DateTimeField("event ends", null=True, blank=True, help_text="UK time.")
    event_location = models.CharField(
        "event location", max_length=255, blank=True, help_text="An address, or “Online”."
    )
    preview_key = models.CharField(
        max_length=32,
        default=new_preview_key,
        editable=False,
        # news.services changes it when the post is published or taken down.
        help_text="Part of every shared preview link: changing it revokes them all.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        get_latest_by = "published_at"
        indexes = [
            models.Index(fields=["status", "-published_at"], name="post_listing_idx"),
            # Holds every column published() reads (and the category): counting the posts of
            # a list or the sitemap reads this small index, not 100,000 rows of body text.
            models.Index(
                fields=["status", "published_at", "expires_at", "category"],
                name="post_public_idx",
            ),
            models.Index(fields=["event_start"], name="post_event_idx"),
            # The date, then the pk that tells posts of one moment apart, in one order both
            # ways: a post's previous and next public posts are each one step along the
            # first, and the admin's list (every state, newest first) pages along the second.
            models.Index(fields=["status", "published_at", "id"], name="post_timeline_idx"),
            models.Index(fields=["published_at", "id"], name="post_newest_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values),
                name="post_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=Status.PUBLISHED) | models.Q(published_at__isnull=False),
                name="post_published_has_date",
            ),
            models.CheckConstraint(
                condition=models.Q(event_end__isnull=True)
                | models.Q(event_start__isnull=False, event_end__gte=models.F("event_start")),
                name="post_event_ends_after_start",
            ),
        ]

    def __str__(self):
        return isolated(self.title)

    def save(self, *args, **kwargs):
        self._date_publication()
        # Sanitised here as well as in forms: nothing unsafe is stored, whatever the path in.
        body_field = cast(ProseEditorField, self._meta.get_field("body"))
        self.body = body_field.sanitize(self.body)
        self.body_text = html_to_text(self.body)
        if (fields := kwargs.get("update_fields")) and "body" in fields:
            kwargs["update_fields"] = {*fields, "body_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("news:post_detail", kwargs={"slug": self.slug})

    def clean(self):
        self._date_publication()
        errors = {}
        if self.slug.isdigit():
            errors["slug"] = "An address of digits only would clash with the yearly archives."
        if self.image and not self.image_alt.strip():
            errors["image_alt"] = "Please describe the image for people who cannot see it."
        if self.category_id and self.category.slug == EVENTS_SLUG and not self.event_start:
            errors["event_start"] = "An event needs a start date and time."
        if self.event_end and self.event_start and self.event_end < self.event_start:
            errors["event_end"] = "The event cannot end before it starts."
        if self.expires_at and self.published_at and self.expires_at <= self.published_at:
            errors["expires_at"] = "The take-down time must come after the publication date."
        if errors:
            raise ValidationError(errors)

    def _date_publication(self):
        """A post published without a date is published now."""
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()

    @property
    def state(self) -> _State:
        """Draft, scheduled, published or expired, as staff think of it, at this moment."""
        conditions = state_conditions(timezone.now())
        met = (state for state, condition in conditions.items() if holds(condition, self))
        # Only an unsaved post marked published without a date meets none: saving dates it now.
        return next(met, State.PUBLISHED)

    @property
    def is_public(self) -> bool:
        return self.state == State.PUBLISHED

    @property
    def is_event(self) -> bool:
        return self.event_start is not None

    @property
    def is_upcoming(self) -> bool:
        """An event not over yet, by the definition upcoming_events() filters with."""
        return self.is_event and holds(upcoming_condition(timezone.now()), self)

    @property
    def event_is_past(self) -> bool:
        return self.is_event and not self.is_upcoming

    @property
    def author_name(self) -> str:
        """How the post names its author: full name, else username; "" without an author."""
        if self.author is None:
            return ""
        return self.author.get_full_name() or self.author.get_username()

    @property
    def summary(self) -> str:
        """The excerpt, or the body's opening words when staff left it blank."""
        return self.excerpt or Truncator(self.body_text).words(40)

    @property
    def last_modified(self):
        return max(filter(None, [self.updated_at, self.published_at]))


class AttachmentQuerySet(models.QuerySet):
    def on_published_posts(self):
        """Attachments whose post the public may see."""
        # Each attachment's post is checked by primary key: "post IN (published posts)" leads
        # SQLite to walk every published post for every paper.
        return self.filter(
            models.Exists(Post.objects.published().filter(pk=models.OuterRef("post")))
        )


class Attachment(models.Model):
    """A paper attached to a post, in the position staff chose."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "documents.Document",
        # Deleting a paper takes it off its posts; the admin's confirmation lists them first.
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name="paper",
    )
    position = models.PositiveSmallIntegerField(default=0)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "attached paper"
        constraints = [
            models.UniqueConstraint(fields=["post", "document"], name="attachment_unique_per_post"),
        ]

    def __str__(self):
        return f"{self.document} on {self.post}"


class SlugRedirect(models.Model):
    """An address a post used to have, answered with a permanent redirect to its current one."""

    old_slug = models.SlugField(max_length=255, unique=True)
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="old_slugs")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.old_slug} → {self.post.slug}"


class Autosave(models.Model):
    """The text of a post form as one staff member last left it, saved while they type.

    One per person and post, or per person for a post never saved ("new post"); the live post
    is never changed by it. A row rather than a django-reversion revision: a revision is a
    saved version of a post for its history, and a new post has no row to hang one on.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="post_autosaves"
    )
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, null=True, blank=True, related_name="autosaves"
    )
    fields = models.JSONField(default=dict, help_text="The form's text fields, by name.")
    saved_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "post"],
                condition=models.Q(post__isnull=False),
                name="autosave_one_per_user_and_post",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(post__isnull=True),
                name="autosave_one_new_post_per_user",
            ),
        ]

    def __str__(self):
        return f"Autosave of {self.post or 'a new post'} by {self.user}"
