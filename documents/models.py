import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models, transaction
from django.urls import reverse
from django.utils.module_loading import import_string

from documents.validators import validate_pdf

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


class DocumentQuerySet(models.QuerySet):
    def public(self):
        """Papers an anonymous visitor may download.

        The rule lives in the app that publishes papers (settings.DOCUMENTS_PUBLIC_FILTER, a
        function taking and returning a queryset), so this app needs to know nothing of posts.
        """
        filter_path = getattr(settings, "DOCUMENTS_PUBLIC_FILTER", None)
        return import_string(filter_path)(self) if filter_path else self.all()

    def visible_to(self, user):
        """Staff who manage papers see them all; everyone else sees the public ones."""
        if user.is_active and user.has_perm("documents.view_document"):
            return self.all()
        return self.public()


class Document(models.Model):
    title = models.CharField(max_length=255, help_text="The paper's title as visitors see it.")
    description = models.TextField(
        blank=True, help_text="A few sentences on what the paper is about, for visitors and search."
    )
    file = models.FileField(
        "PDF file",
        upload_to=document_upload_to,
        max_length=255,
        validators=[FileExtensionValidator(["pdf"])],
        help_text="A PDF file. Its content is checked, not only its name.",
    )
    size = models.PositiveBigIntegerField("size in bytes", editable=False, default=0)
    download_count = models.PositiveIntegerField("downloads", editable=False, default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        get_latest_by = "uploaded_at"
        verbose_name = "paper"
        indexes = [models.Index(fields=["-uploaded_at"], name="document_uploaded_idx")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.file:
            self.size = self.file.size
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("documents:download", kwargs={"pk": self.pk})

    def clean_fields(self, exclude=None):
        super().clean_fields(exclude)
        # Only a new upload needs reading; a stored file was checked when it arrived.
        if "file" not in (exclude or ()) and self.file and not self.file._committed:
            try:
                validate_pdf(self.file.file)
            except ValidationError as error:
                raise ValidationError({"file": error.error_list}) from error

    def delete(self, *args, **kwargs):
        name, storage = self.file.name, self.file.storage
        result = super().delete(*args, **kwargs)
        if name:
            # Remove the bytes only once the row is surely gone.
            transaction.on_commit(lambda: storage.delete(name))
        return result

    @property
    def file_type(self) -> str:
        return "PDF"

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
        return f"{cleaned or 'document'}.pdf"

    def record_download(self) -> None:
        """Count one download atomically, so concurrent downloads are never lost."""
        type(self).objects.filter(pk=self.pk).update(download_count=models.F("download_count") + 1)
