"""Settings for the coalition portal.

One module, configured only from environment variables. With nothing set the portal runs
on SQLite with Celery tasks executed in process, which is what a newcomer's first run needs.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)
# The fallback key is only good for a local demo; production must set DJANGO_SECRET_KEY.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or "insecure-demo-key-only-for-local-use"
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    "coalition",
    "municipalities",
    "calls",
    "calls.review",
    "projects",
    "projects.indicators",
    "projects.register",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the session and CSRF middleware: it must see the cookies they set.
    "coalition.middleware.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "coalition.middleware.UserLanguageMiddleware",
    "coalition.middleware.LazyMessageMiddleware",  # Django's, storage built when used
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "coalition.csp.CSPMiddleware",  # django-csp's, with the header built once
]

ROOT_URLCONF = "coalition.urls"
FORM_RENDERER = "coalition.forms.PortalFormRenderer"
WSGI_APPLICATION = "coalition.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "coalition.context_processors.portal",
            ],
        },
    }
]

# --- Data -------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# PostgreSQL: parameters bound by the server, and a statement that a connection runs more than
# DATABASE_PREPARE_THRESHOLD times prepared: PostgreSQL parses and plans it once per connection
# instead of on every request (a page asks the same few statements each time). Empty turns
# both off, for a pooler that cannot keep prepared statements (PgBouncer in transaction mode
# without max_prepared_statements).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and (
    prepare_threshold := os.environ.get("DATABASE_PREPARE_THRESHOLD", "5")
):
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": int(prepare_threshold)}
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves several requests at once (runserver and gunicorn threads).
    # SQLite's defaults answer a second writer with "database is locked": WAL lets readers
    # go on while one writes, IMMEDIATE takes the write lock when a transaction begins (a
    # deferred one that reads first cannot wait for it and fails at once), and the timeout
    # is how long a writer waits for the lock.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": int(os.environ.get("SQLITE_TIMEOUT", "20")),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Logs and serves without the cache while Redis is unreachable (coalition/cache.py).
            "BACKEND": "coalition.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "coalition"),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Uploaded and generated files are private: there is no MEDIA_URL route, every download
# goes through a view that checks permissions.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "private-media")
# Parsing an uploaded PDF runs in a child process with these ceilings (calls.pdfsafety).
PDF_CHECK_MAX_SECONDS = float(os.environ.get("PDF_CHECK_MAX_SECONDS", "2"))
PDF_CHECK_MAX_MEMORY_MB = int(os.environ.get("PDF_CHECK_MAX_MEMORY_MB", "200"))
# Roots for digital signatures: <dir>/*.pem for all chapters, <dir>/<chapter slug>/*.pem.
SIGNATURE_TRUST_ROOTS_DIR = os.environ.get("SIGNATURE_TRUST_ROOTS_DIR", "")
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}


# With several machines, uploads and generated PDFs go to S3-compatible object storage
# (AWS S3, MinIO, Garage, Ceph...), shared by every web and worker process. Objects stay
# private: no ACL is sent (the bucket's own policy, private, applies), and the portal never
# hands out their URLs; downloads go through the same permission-checked views, which read
# the object and stream it. Credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or
# whatever else boto3 finds (an instance role). Unset bucket: the local MEDIA_ROOT folder.
def s3_storage(environ) -> dict | None:
    """The `STORAGES["default"]` entry for the object storage `environ` names, or None."""
    bucket = environ.get("STORAGE_S3_BUCKET", "")
    if not bucket:
        return None
    endpoint = environ.get("STORAGE_S3_ENDPOINT_URL", "")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint or None,
            "region_name": environ.get("STORAGE_S3_REGION") or None,
            # Inside the bucket, e.g. "portal/" when the bucket holds other things too.
            "location": environ.get("STORAGE_S3_PREFIX", ""),
            # Self-hosted servers want path-style requests (http://host:9000/bucket/key).
            "addressing_style": environ.get("STORAGE_S3_ADDRESSING_STYLE")
            or ("path" if endpoint else None),
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 300,
            # Two files with the same name (two cities uploading the same PDF) get two
            # objects, as on disk; an overwrite would let one city's deletion take the other's.
            "file_overwrite": False,
            "signature_version": "s3v4",
            # A file read from the bucket (a download, a dossier's attachments) is held in
            # memory up to this size, on disk above it; 0 would keep every file in memory.
            "max_memory_size": 2_621_440,
        },
    }


STORAGES["default"] = s3_storage(os.environ) or STORAGES["default"]

# --- Accounts ---------------------------------------------------------------------------
AUTH_USER_MODEL = "coalition.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sessions are rows in the database, so every web process reads the same ones (and a Redis
# restart signs nobody out). Nothing else of a visitor is kept in a process: messages ride in
# a cookie or the session, rate limits and cached pages in the cache (Redis: REDIS_URL).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
ACCOUNT_ADAPTER = "coalition.adapters.AccountAdapter"
# Behind N proxies of our own (the TLS proxy), rate limits key on the address the outermost
# one saw, read from X-Forwarded-For; with 0 that header, which anyone can forge, is ignored.
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_SIGNUP_FORM_CLASS = "coalition.forms.SignupForm"
# allauth's defaults already limit failed logins per IP and per account; stated here so the
# policy is visible and adjustable in one place.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = os.environ.get("MFA_TOTP_ISSUER", "Coalición IA municipal")
# Staff and committee members must have MFA before opening their areas. The demo may relax
# it, but never when DEBUG is off.
REQUIRE_MFA_FOR_PRIVILEGED = env_bool("REQUIRE_MFA_FOR_PRIVILEGED", True) or not DEBUG

# --- Internationalisation ---------------------------------------------------------------
LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish")), ("en", _("English")), ("pt-br", _("Brazilian Portuguese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
# Storage is UTC; pages show times in the chapter's zone. This is the zone of pages that
# belong to no chapter.
TIME_ZONE = "America/Santiago"

# --- E-mail -----------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Seconds; without it an unreachable mail server holds a worker forever.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
# First wait before retrying a delivery the mail server did not take; it doubles each time.
EMAIL_RETRY_WAIT_SECONDS = int(os.environ.get("EMAIL_RETRY_WAIT_SECONDS", "30"))
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "sent-mail"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Coalición IA <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery -----------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
# Without a broker, tasks run in process so the embedded demo needs no servers.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
# A worker killed mid-task (OOM, SIGKILL, a lost node) leaves its message to another worker.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Redis redelivers a message not acknowledged within this time: longer than any task and any
# retry countdown (e-mail retries wait at most an hour), or a slow task would run twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", str(2 * 60 * 60)))
}
# Seconds every task waits after it started (coalition/celery.py): 0 in production; the worker
# tests raise it to kill a worker while it holds a task.
TASK_START_DELAY_SECONDS = float(os.environ.get("TASK_START_DELAY_SECONDS", "0"))
# Queueing must not hold a request long when the broker is down (coalition/outbox.py keeps
# the task and sends it later).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    # Tasks the broker could not take when they were queued (see coalition/outbox.py).
    "dispatch-queued-tasks": {"task": "coalition.tasks.dispatch_queued_tasks", "schedule": 60},
    # Hourly: each reminder is sent once whatever the number of ticks (see ReminderSent).
    "deadline-reminders": {"task": "calls.tasks.send_deadline_reminders", "schedule": 60 * 60},
    # Hourly: review reminders 3 and 1 days before the deadline, once each (ReviewReminderSent).
    "review-reminders": {"task": "calls.review.tasks.send_review_reminders", "schedule": 60 * 60},
    # Every minute (one small query when nothing is due): approved results go out within a
    # minute of the announcement instant, exactly once.
    "publish-due-results": {
        "task": "calls.review.tasks_results.publish_due_results",
        "schedule": 60,
    },
    # Hourly: indicator reports due / overdue, once per project, period and kind
    # (ReportingReminderSent).
    "indicator-reporting-reminders": {
        "task": "projects.indicators.tasks.send_reporting_reminders",
        "schedule": 60 * 60,
    },
    "purge-expired-generated-documents": {
        "task": "coalition.tasks.purge_old_documents",
        "schedule": 6 * 60 * 60,
    },
    # Hourly: from COMMITMENT_REMINDER_DATE on, once per city and year (CommitmentReminderSent).
    "commitment-reminders": {
        "task": "projects.tasks.send_commitment_reminders",
        "schedule": 60 * 60,
    },
}
# The day of the year ("MM-DD", in each chapter's time zone) from which officers of member
# cities without a collaborative AI project that year get the commitment reminder.
COMMITMENT_REMINDER_DATE = os.environ.get("COMMITMENT_REMINDER_DATE", "10-01")

# --- Security ---------------------------------------------------------------------------
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 0 if DEBUG else int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Anonymous pages without cookies of their own may be kept this long by a proxy or browser
# (then revalidated with their ETag): coalition.middleware.PublicPageCacheMiddleware.
PUBLIC_PAGE_MAX_AGE = int(os.environ.get("PUBLIC_PAGE_MAX_AGE", "60"))
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "")


def tile_origin(url: str) -> list[str]:
    """The CSP source of the tile server, e.g. https://*.tile.example.org for {s} URLs."""
    if not url:
        return []
    parsed = urlsplit(url)
    host = parsed.hostname or ""
    if "{s}" in parsed.netloc or host.startswith("%7bs%7d"):
        host = "*." + host.split(".", 1)[1]
    return [f"{parsed.scheme}://{host}" + (f":{parsed.port}" if parsed.port else "")]


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *([MAP_TILE_URL.split("/{")[0]] if MAP_TILE_URL else [])],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Private uploads
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "fontTools": {"level": "WARNING"},
        "weasyprint": {"level": "ERROR"},
    },
}
