from django.db import models


class ContentStamp(models.Model):
    """When anything a public page shows last changed (one row), for Last-Modified and 304s."""

    changed_at = models.DateTimeField()

    class Meta:
        verbose_name = "content change"

    def __str__(self):
        return f"content changed at {self.changed_at:%Y-%m-%d %H:%M:%S}"
