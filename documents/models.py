"""Papers: the file, what was read from it, who may see it, and how often it was downloaded.

Who may see a paper is said once, here: `Document.objects.public()` for a queryset and
`document.is_public` for one paper (`with_is_public()` reads it for many in one query). The
library, a paper's page, download and preview, the sitemap and the site search use public();
a post shows its `shown_with_posts()` papers, which are its public ones once it is published.

Papers are attached to posts by another app (news). This app assumes one thing of it, and
uses it openly rather than through a setting (issue 10's first option): the model that
attaches papers has a ForeignKey to Document with related_name "attachments" and a ForeignKey
"post", and its default manager's `on_published_posts()` keeps the attachments whose post the
public may see (the posts have title, published_at and get_absolute_url(), as a paper's page
lists them). The reverse relation is Django's own, so
this app imports nothing from news and news keeps importing from here: dependencies point
one way. The other way round (news deciding which papers are public) was not chosen because
this app's own pages (library, paper page, download, preview, sitemap) must answer the
question themselves, and could not without asking news.

Over 250 lines because it holds the app's three models (a paper, its earlier versions, its
downloads per day) and the one definition of a public paper, which belong together.
"""

import re
from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from documents.compiled import CompiledQuery
from documents.text_direction import isolated
from documents.validators import validate_upload

KB = 1024
MB = 1024 * 1024


def human_size(size: int) -> str:
    """Size as the site shows it: "375KB" (1 KB = 1,024 bytes, rounded), "1.4MB" from 1 MB up."""
    kilobytes = round(size / KB)
    if size >= MB or kilobytes >= KB:
        return f"{size / MB:.1f}MB"
    return f"{max(kilobytes, 1)}KB"


def document_upload_to(instance, filename: str) -> str:
    return f"documents/{filename}"


def version_upload_to(instance, filename: str) -> str:
    return f"documents/versions/{instance.document_id}/{filename}"


def _attachment_model() -> type[models.Model]:
    """The model that attaches papers to posts, reached through the `attachments` relation."""
    return Document._meta.get_field("attachments").related_model


def _attachments():
    """Every attachment of a paper to a post."""
    return _attachment_model()._default_manager.all()


def _shown_with_posts() -> Q:
    """All but staff-only papers: what a post shows, and so public once the post is published."""
    return ~Q(visibility=Document.Visibility.STAFF)


class DocumentQuerySet(models.QuerySet["Document"]):
    def public(self):
        """Papers anyone may find and download.

        A paper is public once a published post carries it, unless it is staff-only; a paper
        marked public is also public while no post carries it at all. So papers kept "with
        their posts" (the default) never show before their post, and a public paper attached
        only to unpublished posts waits for them too.
        """
        attachments = _attachments().filter(document=OuterRef("pk"))
        on_any_post = Exists(attachments)
        on_published_post = Exists(attachments.on_published_posts())
        in_library_only = Q(visibility=Document.Visibility.PUBLIC) & ~on_any_post
        return self.filter((_shown_with_posts() & on_published_post) | in_library_only)

    def shown_with_posts(self):
        """Papers a post shows with it (all but staff-only ones), public once it is published.

        For the app attaching papers: a published post's papers, as this filters them, are
        exactly its public papers (see public()).
        """
        return self.filter(_shown_with_posts())

    def with_is_public(self):
        """Each paper's `is_public` read in the same query, from the same definition."""
        is_public = Exists(self.model.objects.public().filter(pk=OuterRef("pk")))
        return self.annotate(is_public=is_public)

    def visible_to(self, user):
        """Staff who manage papers see them all; everyone else sees the public ones."""
        if _sees_all(user):
            return self.all()
        return self.public()

    def for_download(self, user, pk) -> "Document | None":
        """Paper `pk` if `user` may see it (as visible_to() says), or None, with what serving
        it reads (DOWNLOAD_FIELDS). Asked on every download: the public case runs SQL the ORM
        wrote once per process (documents.compiled), not a queryset built anew."""
        if _sees_all(user):
            return self.only(*DOWNLOAD_FIELDS).filter(pk=pk).first()
        return _PUBLIC_FOR_DOWNLOAD.get(pk, using=self.db)


def _sees_all(user) -> bool:
    return user.is_active and user.has_perm("documents.view_document")


class Document(models.Model):
    class Visibility(models.TextChoices):
        WITH_POSTS = "with_posts", "With its posts: public once a published post carries it"
        PUBLIC = "public", "Public: in the Papers library and downloadable by anyone now"
        STAFF = "staff", "Staff only: never shown or served to anyone else"

    title = models.CharField(
        max_length=255,
        blank=True,
        help_text="The paper's title as visitors see it. Left blank, the title inside the "
        "PDF is used.",
    )
    slug = models.SlugField(max_length=255, blank=True, editable=False)
    description = models.TextField(
        blank=True, help_text="A few sentences on what the paper is about, for visitors and search."
    )
    file = models.FileField(
        "file",
        upload_to=document_upload_to,
        max_length=255,
        help_text="A PDF (or another format the site accepts). Its content is checked, not only "
        "its name.",
    )
    file_type = models.CharField(max_length=10, default="PDF", editable=False)
    content_type = models.CharField(max_length=100, default="application/pdf", editable=False)
    size = models.PositiveBigIntegerField("size in bytes", editable=False, default=0)
    page_count = models.PositiveIntegerField("pages", null=True, blank=True, editable=False)
    sha256 = models.CharField(
        "file fingerprint",
        max_length=64,
        help_text="The file's SHA-256: the same for identical files, so a paper uploaded "
        "twice is noticed.",
        blank=True,
        editable=False,
        db_index=True,
    )
    text = models.TextField(
        blank=True, editable=False, help_text="The text inside the file, pages separated by \\f."
    )
    previews = models.JSONField(
        default=list, blank=True, editable=False, help_text="First-page images at a few widths."
    )
    accessibility = models.JSONField(
        default=dict, blank=True, editable=False, help_text="What a screen reader needs, checked."
    )
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.WITH_POSTS, db_index=True
    )
    download_count = models.PositiveIntegerField("downloads", editable=False, default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,  # the paper outlives the account that uploaded it
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("uploaded", auto_now_add=True)
    file_updated_at = models.DateTimeField(
        "file changed", default=timezone.now, editable=False, help_text="When this version arrived."
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        get_latest_by = "uploaded_at"
        verbose_name = "paper"
        indexes = [
            models.Index(fields=["-uploaded_at"], name="document_uploaded_idx"),
            models.Index(fields=["visibility", "-uploaded_at"], name="document_library_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(visibility__in=["with_posts", "public", "staff"]),
                name="document_visibility_valid",
            ),
        ]

    def __str__(self):
        return isolated(self.title or self.file.name or "")

    def save(self, *args, **kwargs):
        # FieldFile._committed is real but missing from django-stubs.
        if self.file and not self.file._committed:  # type: ignore[attr-defined]
            self.size = self.file.size  # a new file; a stored one's size is known already
        # Never a word the paper's own addresses use after its id ("/papers/1/download/").
        self.slug = slugify(self.title)[:255] or "paper"
        if self.slug in {"download", "preview"}:
            self.slug += "-paper"
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("documents:detail", kwargs={"pk": self.pk, "slug": self.slug or "paper"})

    def get_download_url(self):
        return reverse("documents:download", kwargs={"pk": self.pk})

    def clean_fields(self, exclude=None):
        super().clean_fields(exclude)
        # Only a new upload needs reading; a stored file was checked when it arrived.
        if (
            "file" not in (exclude or ())
            and self.file
            # FieldFile._committed is real but missing from django-stubs.
            and not self.file._committed  # type: ignore[attr-defined]
        ):
            try:
                validate_upload(self.file.file)
            except ValidationError as error:
                raise ValidationError({"file": error.error_list}) from error

    def delete(self, *args, **kwargs):
        names = [self.file.name, *(v.file.name for v in self.versions.all())]
        names += [preview["name"] for preview in self.previews]
        storage = self.file.storage
        result = super().delete(*args, **kwargs)

        def delete_files() -> None:
            for name in names:
                if name:
                    storage.delete(name)

        # Remove the bytes only once the rows are surely gone.
        transaction.on_commit(delete_files)
        return result

    @property
    def size_label(self) -> str:
        return human_size(self.size)

    @property
    def link_text(self) -> str:
        return f"Download ({self.file_type}, {self.size_label})"

    @property
    def download_filename(self) -> str:
        """The title as a file name: no path separators, quotes or control characters."""
        cleaned = re.sub(r'[\x00-\x1f\x7f/\\"<>:|?*]+', " ", self.title)
        cleaned = re.sub(r"\s+", " ", cleaned).strip(" .")[:150]
        return f"{cleaned or 'document'}.{self.file_type.lower()}"

    @cached_property
    def is_public(self) -> bool:
        """Whether anyone may find and download this paper (see DocumentQuerySet.public)."""
        return type(self).objects.public().filter(pk=self.pk).exists()

    def published_posts(self) -> list:
        """The published posts carrying this paper, newest first, in one query.

        Each post has its title, slug and published_at loaded (what a paper's page shows of
        it), nothing else.
        """
        attachments = (
            _attachments()
            .filter(document=self)
            .on_published_posts()
            .select_related("post")
            .only("document", "post__title", "post__slug", "post__published_at")
            .order_by("-post__published_at", "-post__pk")
        )
        return [attachment.post for attachment in attachments]

    @property
    def accessibility_problems(self) -> list[str]:
        return self.accessibility.get("problems", [])

    def record_download(self) -> None:
        """Count one download now (documents.counting decides whether to, or to defer it)."""
        Document.add_downloads(self.pk, timezone.localdate(), 1)

    @staticmethod
    def add_download_batch(counts: dict) -> None:
        """Add counted downloads, {(paper id, day): count}, in one transaction. A paper
        deleted since its download has no rows to add to, and is skipped."""
        ids = {pk for pk, _ in counts}
        existing = set(Document.objects.filter(pk__in=ids).values_list("pk", flat=True))
        with transaction.atomic():
            for (document_id, day), count in sorted(counts.items()):
                if document_id in existing:
                    Document.add_downloads(document_id, day, count)

    @staticmethod
    def add_downloads(document_id: int, day, count: int) -> None:
        """Add `count` downloads of a paper on `day` atomically: concurrent ones are never lost."""
        Document.objects.filter(pk=document_id).update(
            download_count=models.F("download_count") + count
        )
        DownloadDay.record(document_id, day, count)


# What serving a paper reads of it (documents.downloads): never its text, megabytes long.
DOWNLOAD_FIELDS = (
    "id",
    "title",
    "file",
    "file_type",
    "content_type",
    "size",
    "sha256",
    "file_updated_at",
)
_PUBLIC_FOR_DOWNLOAD = CompiledQuery(
    Document, DOWNLOAD_FIELDS, lambda pk: Document.objects.public().filter(pk=pk)
)


class DocumentVersion(models.Model):
    """A file a paper had before it was replaced: kept, listed for staff, never served publicly."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    file = models.FileField(upload_to=version_upload_to, max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    uploaded_at = models.DateTimeField(help_text="When this version arrived.")
    replaced_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,  # the history outlives the account
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = "earlier version"

    def __str__(self):
        return f"{self.document} as uploaded {self.uploaded_at:%Y-%m-%d %H:%M}"

    @property
    def size_label(self) -> str:
        return human_size(self.size)


class DownloadDay(models.Model):
    """How many times a paper was downloaded on one day (UK time)."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="download_days")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["document", "day"], name="download_day_unique"),
        ]

    def __str__(self):
        return f"{self.document_id} on {self.day}: {self.count}"

    @classmethod
    def record(cls, document_id: int, day, count: int = 1) -> None:
        """Add `count` downloads, safe when many arrive at once (no lost increments)."""
        counted = cls.objects.filter(document_id=document_id, day=day).update(
            count=models.F("count") + count
        )
        if not counted:
            try:
                with transaction.atomic():
                    cls.objects.create(document_id=document_id, day=day, count=count)
            except IntegrityError:  # another download created the day's row first
                cls.objects.filter(document_id=document_id, day=day).update(
                    count=models.F("count") + count
                )
