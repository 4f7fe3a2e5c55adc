"""System checks of the papers' settings that only fail at the first download otherwise
(issue 14): `manage.py check` and `make deploy-check` report them before a visitor meets them.
Registered in DocumentsConfig.ready()."""

from django.conf import settings
from django.core import checks

from documents.counting import MODES
from documents.downloads import S3_DOWNLOADS, SERVE_WITH

BAD_DOWNLOAD_SETTING = "documents.E001"
DEFERRED_WITHOUT_REDIS = "documents.E002"
SERVE_WITH_IGNORED = "documents.W001"


def check_download_settings(app_configs, **kwargs) -> list[checks.CheckMessage]:
    problems: list[checks.CheckMessage] = []
    for name, allowed in (
        ("DOCUMENTS_S3_DOWNLOADS", S3_DOWNLOADS),
        ("DOCUMENTS_COUNT_DOWNLOADS", MODES),
        ("DOCUMENTS_SERVE_WITH", SERVE_WITH),
    ):
        value = getattr(settings, name)
        if value not in allowed:
            problems.append(
                checks.Error(
                    f"{name} is {value!r}.",
                    hint=f"Set {name} to one of: {', '.join(allowed)}.",
                    id=BAD_DOWNLOAD_SETTING,
                )
            )
    if settings.DOCUMENTS_COUNT_DOWNLOADS == "deferred" and not settings.REDIS_URL:
        problems.append(
            checks.Error(
                "DOCUMENTS_COUNT_DOWNLOADS=deferred keeps the counts in Redis, and REDIS_URL "
                "is not set.",
                hint="Set REDIS_URL, or DOCUMENTS_COUNT_DOWNLOADS=direct.",
                id=DEFERRED_WITHOUT_REDIS,
            )
        )
    if settings.AWS_STORAGE_BUCKET_NAME and settings.DOCUMENTS_SERVE_WITH != "django":
        problems.append(
            checks.Warning(
                f"DOCUMENTS_SERVE_WITH={settings.DOCUMENTS_SERVE_WITH} is for files on this "
                "machine's disk; the papers are in the bucket AWS_STORAGE_BUCKET_NAME.",
                hint="Choose how papers leave the bucket with DOCUMENTS_S3_DOWNLOADS "
                "(redirect or proxy), and unset DOCUMENTS_SERVE_WITH.",
                id=SERVE_WITH_IGNORED,
            )
        )
    return problems
