"""Settings for the site, every value read from the environment (see .env.example).

Each value that may differ between sites is read once, here, with a safe default: code reads
`settings.X` and never supplies a default of its own. Every name read is recorded by
`env` (see environment.py), and `.env.example` is tested against that record.

Longer than most modules on purpose: one file to read for every setting, in sections.
"""

import re
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any, cast

from django.utils.csp import CSP

from imroc_site.settings import private_files
from imroc_site.settings.environment import RecordingEnv

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = RecordingEnv()
env.read_env(BASE_DIR / ".env")  # optional: the real environment wins

# --- Core -----------------------------------------------------------------------------------

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        # A one-line reason instead of a traceback: this is the first thing a new operator meets.
        sys.exit(
            "SECRET_KEY is not set: set SECRET_KEY in the environment or in .env "
            "(see .env.example), or set DEBUG=true for local development."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105  # nosec B105 # DEBUG only, see above

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_prose_editor",
    "taggit",
    # The content stamp behind Last-Modified: depends on nothing, every app may stamp it.
    "freshness",
    # Keeps every version of a post (news.revisions.record says what one holds).
    "reversion",
    "documents",
    "news",
    "comments",
    "django_tasks_db",
    # Moving in from WordPress (issue 13): the import command and the old addresses.
    "wordpress",
    # Last: it wires the apps together, so its admin extends theirs.
    "imroc_site",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Early in the list, so it sees the response last, with every cookie set by the others.
    "imroc_site.middleware.SharedCacheMiddleware",
    # Next: a page kept for visitors without cookies costs one query and a cache read
    # (imroc_site/page_cache.py); the one above still gives it fresh caching headers.
    "imroc_site.page_cache.PageCacheMiddleware",
    # A busy or unreachable database answers 503 with Retry-After (issue 11, faults).
    "imroc_site.middleware.DatabaseUnavailableMiddleware",
    # Logs once that a local proxy forwards requests while TRUSTED_PROXY_COUNT is 0.
    "imroc_site.middleware.UnknownProxyWarningMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "imroc_site.urls"
WSGI_APPLICATION = "imroc_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "imroc_site.context_processors.site",
            ],
        },
    },
]

# --- The site as a whole --------------------------------------------------------------------

# Shown in the header, footer and page titles.
SITE_NAME = env.str("SITE_NAME", default="ImROC")
SITE_TAGLINE = env.str(
    "SITE_TAGLINE", default="Implementing Recovery through Organisational Change"
)
# The site's public address, for links in emails sent by the task worker.
SITE_URL = env.str("SITE_URL", default="http://localhost:8000")
# Proxies in front of the site that append to X-Forwarded-For (0: use the connection's
# address). With one nginx in front, set 1, so the visitor's own address is recorded.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Seconds browsers may keep a public file whose address changes with its content (a paper's
# first-page image). Pages are never kept by browsers: see SHARED_CACHE_SECONDS.
PUBLIC_CACHE_SECONDS = env.int("PUBLIC_CACHE_SECONDS", default=60)
# How long the app keeps a rendered page for visitors without cookies at most (0: never). A
# change to content shows at once whatever this is: the page is kept per content stamp
# (imroc_site/page_cache.py).
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=300)
# How long the app keeps a part of a page that is the same for every visitor (a post's body,
# its replies, a page of a list), for visitors whose page is rendered (they send a cookie), at
# most (0: never). A change shows at once whatever this is (news/content_cache.py).
FRAGMENT_CACHE_SECONDS = env.int("FRAGMENT_CACHE_SECONDS", default=300)
# The running release's name, part of every kept page's key and ETag (freshness/release.py),
# so an upgrade never serves what the release before it kept. Empty: a digest of the code
# and templates, the same on every machine running the same files.
RELEASE = env.str("RELEASE", default="")
if RELEASE and not re.fullmatch(r"[A-Za-z0-9._-]{1,64}", RELEASE):
    # It goes into cache keys and the ETag header, where a space or a quote would break them.
    sys.exit(
        f"RELEASE={RELEASE!r}: use letters, digits, '.', '_' and '-' only (at most 64), "
        "e.g. 2026.12.1 or a commit's hash."
    )
# --- The shared cache front (issue 14; deploy/nginx/, README "Caching")
# Seconds a shared cache (the shipped nginx) may serve a public page, image or feed to
# visitors without cookies before asking the site again (a cheap 304 when nothing changed):
# a change shows through the cache within this time. Pages carry max-age=0 for browsers.
SHARED_CACHE_SECONDS = env.int("SHARED_CACHE_SECONDS", default=1)
# Where people write to see, correct or delete what the site keeps about them.
PRIVACY_CONTACT_EMAIL = env.str("PRIVACY_CONTACT_EMAIL", default="")

# --- Database -------------------------------------------------------------------------------

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
# Both read whichever database is used, so every run records every variable (environment.py).
SQLITE_BUSY_TIMEOUT = env.int("SQLITE_BUSY_TIMEOUT", default=20)
CONN_MAX_AGE = env.int("CONN_MAX_AGE", default=60)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Tuned for a web server: readers never block the writer (WAL), a writer waits for the lock
    # instead of failing at once, and IMMEDIATE avoids deadlocks when a read turns into a write.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "timeout": SQLITE_BUSY_TIMEOUT,
            "transaction_mode": "IMMEDIATE",
        }
    )
    # The file and its folder are created private below ("Production defaults").
# Each worker keeps its connection between requests, SQLite's too: opening one costs more than
# a page's queries (Django's SQL functions registered, the PRAGMAs above), and closing the
# last one to a SQLite file checkpoints and removes its WAL, a write per request (issue 14).
DATABASES["default"]["CONN_MAX_AGE"] = CONN_MAX_AGE
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# --- Database timeouts (issue 11: a hung database frees the worker) -------------------------

# Seconds to wait for PostgreSQL to accept a connection, and for any one statement (0: no
# limit): both well under gunicorn's 30 s, so a hung database ends a request with a 503 instead
# of holding its worker. SQLite has no hung server: it waits SQLITE_BUSY_TIMEOUT for its lock.
DATABASE_CONNECT_TIMEOUT = env.int("DATABASE_CONNECT_TIMEOUT", default=5)
DATABASE_STATEMENT_TIMEOUT = env.int("DATABASE_STATEMENT_TIMEOUT", default=10)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _pg_options = DATABASES["default"].setdefault("OPTIONS", {})
    _pg_options.setdefault("connect_timeout", DATABASE_CONNECT_TIMEOUT)
    _pg_options["options"] = " ".join(
        [_pg_options.get("options", ""), f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT}s"]
    ).strip()

# --- Passwords and sessions -----------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_HTTPONLY = True
# Set SECURE_COOKIES=true once the site is served over HTTPS.
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# --- Internationalisation -------------------------------------------------------------------

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files and uploads ---------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "static")
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
STORAGES: dict[str, dict[str, Any]] = {
    # FileSystemStorage that leaves no partial file when the disk is full (issue 11, faults).
    "default": {"BACKEND": "documents.storage.UploadStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploaded papers are written to disk as they arrive rather than held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Security headers -----------------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_HTTPS_PROXY", default=False) else None
)
# Nothing on any page comes from another origin: no CDN, no third-party script or font.
SECURE_CSP = {
    "default-src": ["'self'"],
    # The nonce is sent only on pages that use one (the admin's editor); public pages never do,
    # so their bytes and headers stay the same for every visitor.
    "script-src": ["'self'", CSP.NONCE],
    "style-src": ["'self'", "'unsafe-inline'"],  # the admin sets a few inline styles
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

# --- Mail -----------------------------------------------------------------------------------

# EMAIL_URL like smtp+tls://user:password@mail.example.org:587; the console by default.
_email = env.email("EMAIL_URL", default="consolemail://")
_smtp_options = {
    "host": _email.get("EMAIL_HOST"),
    "port": _email.get("EMAIL_PORT"),
    "username": _email.get("EMAIL_HOST_USER"),
    "password": _email.get("EMAIL_HOST_PASSWORD"),
    "use_tls": _email.get("EMAIL_USE_TLS", False),
    "use_ssl": _email.get("EMAIL_USE_SSL", False),
    "timeout": env.int("EMAIL_TIMEOUT", default=10),
}
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": _smtp_options if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend") else {},
    }
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="webmaster@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background tasks (mail) ----------------------------------------------------------------

# Mail is sent by tasks, so a reply never waits for, or fails with, the mail server.
# "immediate" runs them at once (development); "database" queues them in the database for
# `manage.py db_worker` (production: see README).
TASKS_QUEUE = env.str("TASKS_QUEUE", default="immediate")
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "django.tasks.backends.immediate.ImmediateBackend",
            "database": "django_tasks_db.DatabaseBackend",
        }[TASKS_QUEUE]
    }
}

# --- Logging --------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# --- Posts (news) ---------------------------------------------------------------------------

# Days a shared preview link of an unpublished post keeps working.
PREVIEW_LINK_DAYS = env.int("PREVIEW_LINK_DAYS", default=7)
# Largest featured image accepted, in pixels (width × height): bigger ones are refused.
NEWS_MAX_IMAGE_PIXELS = env.int("NEWS_MAX_IMAGE_PIXELS", default=40_000_000)
# Tags are matched case-insensitively, so "Recovery" and "recovery" are one tag.
TAGGIT_CASE_INSENSITIVE = True
TAGGIT_TAGS_FROM_STRING = "news.tags.parse_tags"
TAGGIT_STRING_FROM_TAGS = "news.tags.tags_to_text"

# --- Replies (comments) ---------------------------------------------------------------------

# How deep replies to replies may nest (1 turns threading off).
COMMENTS_THREAD_DEPTH = env.int("COMMENTS_THREAD_DEPTH", default=3)
# Top-level replies per page of a long discussion (their answers stay with them).
COMMENTS_PER_PAGE = env.int("COMMENTS_PER_PAGE", default=50)
# A form sent back sooner than this many seconds after it was shown is held as likely spam.
COMMENTS_MIN_SECONDS = env.int("COMMENTS_MIN_SECONDS", default=3)
# A form older than this many seconds is refused (the visitor is asked to send it again).
COMMENTS_MAX_FORM_AGE = env.int("COMMENTS_MAX_FORM_AGE", default=24 * 60 * 60)
# Seconds one IP address must wait between replies.
COMMENTS_FLOOD_SECONDS = env.int("COMMENTS_FLOOD_SECONDS", default=15)
# Replies one IP address may send in an hour.
COMMENTS_HOURLY_LIMIT = env.int("COMMENTS_HOURLY_LIMIT", default=10)
# Spam and trash are deleted after this many days (by `manage.py purge_comments`).
COMMENTS_PURGE_DAYS = env.int("COMMENTS_PURGE_DAYS", default=30)
# IP addresses and browser names of replies are erased after this many days (same command).
COMMENTS_ERASE_IP_DAYS = env.int("COMMENTS_ERASE_IP_DAYS", default=60)
# Days single-use moderation links in emails keep working.
COMMENTS_EMAIL_LINK_DAYS = env.int("COMMENTS_EMAIL_LINK_DAYS", default=7)

# --- Papers (documents) ----------------------------------------------------------------------

# Largest file staff may upload, in bytes.
DOCUMENTS_MAX_UPLOAD_SIZE = env.int("DOCUMENTS_MAX_UPLOAD_SIZE", default=50 * 1024 * 1024)
# Password-protected (encrypted) PDFs are refused unless this is on.
DOCUMENTS_ALLOW_ENCRYPTED = env.bool("DOCUMENTS_ALLOW_ENCRYPTED", default=False)
# Formats accepted besides PDF, each checked by its content: docx, xlsx, pptx, odt, ods, odp.
DOCUMENTS_EXTRA_FORMATS = env.list("DOCUMENTS_EXTRA_FORMATS", default=[])
# Where visitors ask for a paper in an accessible format (shown on each paper's page).
DOCUMENTS_ACCESSIBLE_FORMAT_EMAIL = env.str("DOCUMENTS_ACCESSIBLE_FORMAT_EMAIL", default="")
# Open PDFs in the browser (inline, under a restrictive sandbox) instead of downloading them.
DOCUMENTS_INLINE = env.bool("DOCUMENTS_INLINE", default=False)
# Who sends the bytes: "django" (streamed by the app), "x-accel-redirect" (nginx) or
# "x-sendfile" (Apache, lighttpd); the app still checks permissions and counts downloads.
DOCUMENTS_SERVE_WITH = env.str("DOCUMENTS_SERVE_WITH", default="django")
# With x-accel-redirect: the internal nginx location that maps to MEDIA_ROOT.
DOCUMENTS_ACCEL_PREFIX = env.str("DOCUMENTS_ACCEL_PREFIX", default="/protected-media/")
# Downloads by these user agents (case-insensitive substrings) are served but not counted.
DOCUMENTS_CRAWLER_USER_AGENTS = env.list(
    "DOCUMENTS_CRAWLER_USER_AGENTS",
    default=[
        "bot",
        "crawler",
        "spider",
        "slurp",
        "curl",
        "wget",
        "python-requests",
        "linkchecker",
        "check_http",
        "monitor",
        "preview",
        "facebookexternalhit",
    ],
)

# --- The demo site (`make run`, `make dev`) ---------------------------------------------------

# The admin account `manage.py load_demo_content --admin` makes; with no password here, one is
# generated and kept in var/demo-admin-password.
DEMO_ADMIN_USERNAME = env.str("DEMO_ADMIN_USERNAME", default="admin")
DEMO_ADMIN_PASSWORD = env.str("DEMO_ADMIN_PASSWORD", default="")
# The port `make run` and `make dev` serve on, for the admin address the demo prints.
PORT = env.int("PORT", default=8000)

# --- Staff sign-in (issue 11) -----------------------------------------------------------------

# django-axes throttles failed sign-ins, django-otp adds two-factor codes. The admin app
# itself stays Django's; imroc_site/admin.py gives its sign-in form a code field.
INSTALLED_APPS += ["axes", "django_otp", "django_otp.plugins.otp_totp"]
MIDDLEWARE += [
    # After AuthenticationMiddleware: marks request.user verified when the session holds a code.
    "django_otp.middleware.OTPMiddleware",
    # Sends staff who must set up two-factor sign-in to its page (imroc_site/middleware.py).
    "imroc_site.middleware.TwoFactorRequiredMiddleware",
    # Last: turns a refused sign-in into the lockout page (imroc_site.views.sign_in_locked_out).
    "axes.middleware.AxesMiddleware",
]
# The lockout check (django-axes') comes first, so a locked-out attempt is refused before the
# password hash is computed: the sign-in form is not a free way to burn the server's CPU.
AUTHENTICATION_BACKENDS = [
    "imroc_site.sign_in.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failures, per username and (separately) per address, before sign-in is refused.
AXES_FAILURE_LIMIT = env.int("SIGN_IN_FAILURE_LIMIT", default=5)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# Minutes a lockout lasts; a further failed attempt during it starts the wait again.
SIGN_IN_LOCKOUT_MINUTES = env.int("SIGN_IN_LOCKOUT_MINUTES", default=30)
AXES_COOLOFF_TIME = timedelta(minutes=SIGN_IN_LOCKOUT_MINUTES)
# Attempts are kept in the database (no cache to run), and the address is the site's one rule
# for a visitor's address, with TRUSTED_PROXY_COUNT (comments/client.py).
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_CLIENT_IP_CALLABLE = "comments.client.client_ip"
AXES_LOCKOUT_CALLABLE = "imroc_site.views.sign_in_locked_out"
# A success does not wipe the failures before it: it would clear its address's count too, so
# anyone with an account of their own could reset the count between guesses at another's.
AXES_RESET_ON_SUCCESS = False
# Logged under the "axes" logger (see LOGGING below) with the username and address in clear,
# so that an operator (or fail2ban) can act on them; axes never logs the password.
AXES_SENSITIVE_PARAMETERS: list[str] = []
# Two-factor codes are required of superusers: they are sent to set one up before anything
# else in the admin. Off in development and the demo; deploy/production.env.example turns it on.
OTP_REQUIRED_FOR_SUPERUSERS = env.bool("OTP_REQUIRED_FOR_SUPERUSERS", default=False)
# The issuer shown in authenticator apps beside the user name.
OTP_TOTP_ISSUER = SITE_NAME
# The admin's list of devices never shows a secret or its QR code, even to superusers: only its
# owner sees it, once, while setting it up.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Staff are signed out after this many seconds without a request (a working day). Sessions
# belong to staff only: public pages set none, so visitors still get no cookie.
STAFF_SESSION_IDLE_SECONDS = env.int("STAFF_SESSION_IDLE_SECONDS", default=8 * 60 * 60)
SESSION_COOKIE_AGE = STAFF_SESSION_IDLE_SECONDS
SESSION_SAVE_EVERY_REQUEST = True
# Every failed, refused and successful staff sign-in, with the username and address.
_loggers = cast(dict[str, dict], LOGGING.setdefault("loggers", {}))
_loggers["axes"] = {"level": "INFO", "propagate": True}

# --- Production defaults (issue 11): HTTPS, private files --------------------------------------
# deploy/production.env.example sets these for a site behind nginx; `make deploy-check` runs
# Django's deployment checklist with it and must find nothing.

# HSTS for subdomains too, and consent to the browsers' preload list (taking effect only once
# the domain is submitted at hstspreload.org, and hard to undo: see the README).
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# The proxy in front redirects http:// to https:// itself (nginx `return 301 https://...`), so
# the site need not (SECURE_SSL_REDIRECT=false): Django's warning about it would be wrong.
HTTPS_REDIRECTED_BY_PROXY = env.bool("HTTPS_REDIRECTED_BY_PROXY", default=False)
SILENCED_SYSTEM_CHECKS = ["security.W008"] if HTTPS_REDIRECTED_BY_PROXY else []
# A load balancer asks gunicorn for the health check over plain HTTP, with no proxy headers.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Uploads, collected static files and the SQLite database are the site's user's alone (0600
# files, 0700 folders). When nginx or Apache sends the papers (DOCUMENTS_SERVE_WITH), its
# user must read them: put it in the site's group, which may then read (0640/0750), never write.
if DOCUMENTS_SERVE_WITH == "django":
    FILE_UPLOAD_PERMISSIONS = private_files.PRIVATE_FILE
    FILE_UPLOAD_DIRECTORY_PERMISSIONS = private_files.PRIVATE_FOLDER
else:
    FILE_UPLOAD_PERMISSIONS = private_files.GROUP_READABLE_FILE
    FILE_UPLOAD_DIRECTORY_PERMISSIONS = private_files.GROUP_READABLE_FOLDER
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    _sqlite_name = str(DATABASES["default"]["NAME"])
    if _sqlite_name and _sqlite_name != ":memory:" and not _sqlite_name.startswith("file:"):
        private_files.make_private_sqlite_file(
            Path(_sqlite_name), folder_mode=FILE_UPLOAD_DIRECTORY_PERMISSIONS
        )

# --- Hostile content (issue 11) ---------------------------------------------------------------

# PDFs carrying embedded file attachments are refused unless this is on: an attachment can be
# any program, which readers offer to open.
DOCUMENTS_ALLOW_EMBEDDED_FILES = env.bool("DOCUMENTS_ALLOW_EMBEDDED_FILES", default=False)

# --- Staff dashboard and plain words (issue 12, helper "dashboard") ---------------------------

# Django's admin and django-taggit through the site's own app configs (imroc_site/apps.py):
# the admin's home page becomes the staff dashboard, and taggit is called "Tags" in the admin.
# Swapped in place, so their order in INSTALLED_APPS above stays as it is.
_STAFF_APP_CONFIGS = {
    "django.contrib.admin": "imroc_site.apps.SiteAdminConfig",
    "taggit": "imroc_site.apps.TagsConfig",
}
INSTALLED_APPS = [_STAFF_APP_CONFIGS.get(app, app) for app in INSTALLED_APPS]

# --- Beyond one machine (issue 14): shared cache, media on S3, download counting ----------------

# The shared cache: Redis (Django's own RedisCache) when REDIS_URL is set, e.g.
# redis://127.0.0.1:6379/0, so every app server sees the same entries; else each process keeps
# its own in memory, which is right for one machine. Sessions stay in the database either way.
REDIS_URL = env.str("REDIS_URL", default="")
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # A Redis that hangs must not hang the pages: what they keep is only a saving
            # (freshness/kept.py renders without it when it fails).
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# Uploads (papers, their previews, post images and renditions) go to this S3-compatible bucket
# (AWS, MinIO, Ceph, Garage...) when it is set, through django-storages; else under MEDIA_ROOT.
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
# Another service than AWS: its address (https://minio.example.org:9000); empty for AWS.
AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default="") or None
AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default="") or None
# Empty: boto3 finds the credentials itself (an instance role, ~/.aws, its own variables).
AWS_ACCESS_KEY_ID = env.str("AWS_ACCESS_KEY_ID", default="") or None
AWS_SECRET_ACCESS_KEY = env.str("AWS_SECRET_ACCESS_KEY", default="") or None
# A folder in the bucket for this site's files, so one bucket may serve several sites.
AWS_LOCATION = env.str("AWS_LOCATION", default="")
# How a paper kept on S3 reaches the visitor once the app has checked and counted the download:
# "redirect" to a signed address at the bucket that works for DOCUMENTS_S3_URL_SECONDS (the
# bytes never pass through the app), or "proxy" (the app streams them: for a private bucket
# that visitors cannot reach).
DOCUMENTS_S3_DOWNLOADS = env.str("DOCUMENTS_S3_DOWNLOADS", default="redirect")
DOCUMENTS_S3_URL_SECONDS = env.int("DOCUMENTS_S3_URL_SECONDS", default=60)
# How every bucket is used, whichever it is (the tests' buckets too).
S3_STORAGE_OPTIONS = {
    # Private objects, reached only through signed addresses the app hands out.
    "default_acl": "private",
    "querystring_auth": True,
    "querystring_expire": DOCUMENTS_S3_URL_SECONDS,
    # As on disk: a new file never replaces another's under the same name.
    "file_overwrite": False,
    # Signature v4: what every current S3-compatible service accepts.
    "signature_version": "s3v4",
}
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {
        "BACKEND": "documents.s3_storage.S3UploadStorage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": AWS_S3_ENDPOINT_URL,
            "region_name": AWS_S3_REGION_NAME,
            "access_key": AWS_ACCESS_KEY_ID,
            "secret_key": AWS_SECRET_ACCESS_KEY,
            "location": AWS_LOCATION,
            **S3_STORAGE_OPTIONS,
        },
    }
# How a download is counted: "direct" (two UPDATEs in the request: the paper's total and its
# day's row), "spool" (a line appended to a file in DOCUMENTS_COUNT_SPOOL on this machine,
# added to the database every DOCUMENTS_COUNT_FOLD_SECONDS by a download, or by
# `manage.py flush_download_counts`) or "deferred" (one HINCRBY in Redis at REDIS_URL, added
# by `manage.py flush_download_counts`, run every minute: see README "Running on several
# machines"). Deferred needs REDIS_URL. documents/counting.py says why none loses a count.
DOCUMENTS_COUNT_DOWNLOADS = env.str("DOCUMENTS_COUNT_DOWNLOADS", default="direct")
DOCUMENTS_COUNT_SPOOL = env.path("DOCUMENTS_COUNT_SPOOL", default=VAR_DIR / "download-counts")
DOCUMENTS_COUNT_FOLD_SECONDS = env.int("DOCUMENTS_COUNT_FOLD_SECONDS", default=60)

# --- The post editor (issue 12, helper "editor") ----------------------------------------------

# How often, in seconds, the post form autosaves while staff type (and always when the page is
# hidden or closed); news/static/news/editor.js reads it from the form.
NEWS_AUTOSAVE_SECONDS = 60

# --- Moving in from WordPress (issue 13) ------------------------------------------------------

# Last: a 404 for one of the old site's addresses (wordpress.LegacyAddress) becomes a 301 to
# its new one, and `/?p=12` is answered before the home page takes it.
MIDDLEWARE += ["wordpress.middleware.LegacyAddressMiddleware"]
