"""System checks for production mistakes that Django's own checks cannot see (issue 11).

Registered in ImrocSiteConfig.ready(); `manage.py check --deploy` and `make deploy-check` run
them with Django's. A third mistake, a proxy in front while TRUSTED_PROXY_COUNT is 0, shows
only in requests: comments/client.py logs it at the first one.
"""

import ipaddress
import stat
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks

SITE_URL_IS_LOCAL = "imroc_site.E001"
MAIL_SENT_IN_REQUEST = "imroc_site.W001"
FILES_READABLE_BY_OTHERS = "imroc_site.W002"

_IMMEDIATE_BACKEND = "django.tasks.backends.immediate.ImmediateBackend"
_SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


def is_local_host(host: str) -> bool:
    """localhost, a loopback address, or nothing at all: a name no visitor can reach us by."""
    host = host.strip("[]").lower().rstrip(".")
    if not host or host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _answers_to_public_names() -> bool:
    return any(not is_local_host(host.lstrip(".")) for host in settings.ALLOWED_HOSTS)


def check_site_url(app_configs, **kwargs):
    """SITE_URL at localhost on a site that answers to a public name, with DEBUG off."""
    if settings.DEBUG or not _answers_to_public_names():
        # `make run` serves localhost with DEBUG off: links to localhost are right there.
        return []
    if not is_local_host(urlsplit(settings.SITE_URL).hostname or ""):
        return []
    return [
        checks.Error(
            f"SITE_URL is {settings.SITE_URL!r} but the site answers to "
            f"{', '.join(settings.ALLOWED_HOSTS)}: moderation emails would link to localhost.",
            hint="Set SITE_URL to the site's public address, e.g. https://news.example.org.",
            id=SITE_URL_IS_LOCAL,
        )
    ]


def check_mail_leaves_the_request(app_configs, **kwargs):
    """SMTP mail sent by the immediate task backend: a reply waits for the mail server."""
    backends = {options["BACKEND"] for options in settings.MAILERS.values()}
    immediate = any(task["BACKEND"] == _IMMEDIATE_BACKEND for task in settings.TASKS.values())
    if not (immediate and _SMTP_BACKEND in backends):
        return []
    return [
        checks.Warning(
            "Mail is sent over SMTP inside the visitor's request (TASKS_QUEUE=immediate): a "
            "slow or unreachable mail server holds up replies, and a failed send is not retried.",
            hint="Set TASKS_QUEUE=database and run `manage.py db_worker` beside the site "
            "(README: The task worker).",
            id=MAIL_SENT_IN_REQUEST,
        )
    ]


def _mode(path: Path) -> int | None:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return None  # not made yet: it will be created private (settings/private_files.py)


def readable_by_others(sqlite_file: Path | None, media_root: Path) -> list[str]:
    """Each of the database file, its folder and the uploads' folder that others may read."""
    # The database file: the site's user alone; folders: no other account (the web server's
    # group may read uploads it sends, see settings).
    limits = [(media_root, 0o007)]
    if sqlite_file is not None:
        limits += [(sqlite_file, 0o077), (sqlite_file.parent, 0o007)]
    exposed = []
    for path, others in limits:
        mode = _mode(path)
        if mode is not None and mode & others:
            exposed.append(f"{path} ({mode:o})")
    return exposed


def check_private_files(app_configs, **kwargs):
    """A SQLite file or upload folder from before files were created private (issue 11):
    other accounts on the machine could read replies' email and IP addresses, or papers."""
    database = settings.DATABASES["default"]
    sqlite = database["ENGINE"] == "django.db.backends.sqlite3"
    exposed = readable_by_others(
        Path(str(database["NAME"])) if sqlite else None, Path(settings.MEDIA_ROOT)
    )
    if not exposed:
        return []
    return [
        checks.Warning(
            f"Readable by other accounts on this machine: {', '.join(exposed)}.",
            hint="chmod -R go-rwx on them (g-w,o-rwx on uploads when nginx or Apache sends "
            "papers, see README: Running in production).",
            id=FILES_READABLE_BY_OTHERS,
        )
    ]
