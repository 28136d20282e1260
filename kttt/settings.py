"""One settings module, driven by environment variables (all listed in .env.example and
docs/settings.md). SQLite under var/ by default; PostgreSQL with DATABASE_URL."""

import contextlib
import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent


def envbool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and envbool("KTTT_REQUIRE_SECRET_KEY", False):
        raise RuntimeError("SECRET_KEY must be set in production")
    # Development/demo only: a fixed key keeps sessions across restarts of `make run`.
    SECRET_KEY = "kttt-insecure-development-key-set-SECRET_KEY-in-production"  # noqa: S105

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
VAR_DIR = Path(os.environ.get("KTTT_VAR_DIR", PROJECT_DIR / "var"))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # the API's Swagger UI files, served locally
    "axes",
    "kttt.web",  # template tags only (charts): no models
    "kttt.changes",
    "kttt.areas",
    "kttt.accounts",
    "kttt.access",
    "kttt.registry",
    "kttt.indicators",
    "kttt.plans",
    "kttt.documents",
    "kttt.api",
    "kttt.overview",
    "kttt.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Content-Security-Policy, Permissions-Policy, Cache-Control (issue 11; below).
    "csp.middleware.CSPMiddleware",
    "kttt.web.headers.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes requires.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kttt.urls"
WSGI_APPLICATION = "kttt.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kttt.access.context_processors.roles",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'kttt.sqlite3'}"),
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while another writes. A write transaction takes the one write
    # lock at BEGIN (IMMEDIATE: no deadlock between two readers turning writers) and waits up
    # to KTTT_SQLITE_BUSY_TIMEOUT seconds for it; an import checks its file without it.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": envint("KTTT_SQLITE_BUSY_TIMEOUT", 20),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The data folder is made on first use, as a desktop program's is (`kttt migrate` on a
    # fresh KTTT_VAR_DIR); SQLite makes the file but not its folder. A missing file is still
    # refused where it must exist (KTTT_DATABASE_MUST_EXIST below).
    if str(DATABASES["default"]["NAME"]) not in {"", ":memory:"}:
        # A read-only or foreign folder: opening the database will say so.
        with contextlib.suppress(OSError):
            Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compilation costs PostgreSQL more than it saves on these aggregates (measured: 0,9 s
    # of a 1,2 s national query); see docs/performance.md.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Ours: the Vietnamese message (Django's catalogue misses it).
    {"NAME": "kttt.accounts.validators.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# One-time links that set a password (the account pages): valid 72 hours, Django's default.
PASSWORD_RESET_TIMEOUT = envint("PASSWORD_RESET_TIMEOUT", 3 * 24 * 3600)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "overview:home"
LOGOUT_REDIRECT_URL = "login"

# django-axes: lock a username+IP pair after repeated failures, for a cool-off period.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = envbool("AXES_ENABLED", True)

LANGUAGE_CODE = "vi"
# Vietnamese only: every string is translatable, but offering English before a catalogue
# exists would show Django's own messages in English beside ours in Vietnamese.
LANGUAGES = [("vi", _("Tiếng Việt"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["kttt.formats"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# Uploaded files (evidence, imports) live outside the web root and are served only by views.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))

SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 3600)
X_FRAME_OPTIONS = "DENY"

# Upload limits: an .xlsx of 30.000 entities with 4 years of data is about 10 MB.
KTTT_IMPORT_MAX_BYTES = envint("KTTT_IMPORT_MAX_BYTES", 50 * 1024 * 1024)
KTTT_IMPORT_MAX_UNCOMPRESSED_BYTES = envint("KTTT_IMPORT_MAX_UNCOMPRESSED_BYTES", 500 * 1024 * 1024)
# The extent of each template sheet, checked on the cells' references before it is read
# (a single cell at XFD1048576 would otherwise make the reader allocate hundreds of GB).
KTTT_IMPORT_MAX_ROWS = envint("KTTT_IMPORT_MAX_ROWS", 200_000)
KTTT_IMPORT_MAX_COLUMNS = envint("KTTT_IMPORT_MAX_COLUMNS", 60)
KTTT_IMPORT_MAX_CELLS = envint("KTTT_IMPORT_MAX_CELLS", 6_000_000)
# Evidence files of plan activities (PDF, JPG/PNG, DOCX, XLSX), checked on their content.
KTTT_EVIDENCE_MAX_BYTES = envint("KTTT_EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# The installation's home area (DOMAIN.md §4: --area defaults to it). 109 = Huyện Phong Thổ.
KTTT_HOME_AREA = os.environ.get("KTTT_HOME_AREA", "109")
# "Hoạt động hiệu quả": grades counted as effective (DOMAIN.md §2). Some provinces use "tot".
KTTT_EFFECTIVE_GRADES = envlist("KTTT_EFFECTIVE_GRADES", "tot,kha")
KTTT_PAGE_SIZE = envint("KTTT_PAGE_SIZE", 25)
# The day and month of the year after a reported year by which its figures are due
# (DOMAIN.md §7: 15/01); the late list and the on-time reporting rate read it.
KTTT_REPORT_DEADLINE = os.environ.get("KTTT_REPORT_DEADLINE", "15/01")

# The engine's results kept between requests, under the data's version (kttt.changes): a
# result is never served after the data it came from changed. Kept in files under VAR_DIR,
# so that every server process shares them (nothing to install); KTTT_FIGURE_CACHE=0 turns
# it off. After a write, the process that wrote computes again the results asked lately
# (KTTT_FIGURE_REFRESH), at most once per KTTT_FIGURE_REFRESH_PAUSE seconds.
# docs/performance.md.
KTTT_FIGURE_CACHE = envbool("KTTT_FIGURE_CACHE", True)
KTTT_FIGURE_REFRESH = envbool("KTTT_FIGURE_REFRESH", True)
KTTT_FIGURE_REFRESH_PAUSE = envint("KTTT_FIGURE_REFRESH_PAUSE", 10)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "figures": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache" / "figures"),
        "TIMEOUT": 24 * 3600,
        "OPTIONS": {"MAX_ENTRIES": envint("KTTT_FIGURE_CACHE_ENTRIES", 2000)},
    },
}

# Outgoing mail, for the one-time password links only. Empty EMAIL_HOST: nothing is sent and
# the administrator passes the link on (the account pages show it).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = envint("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "kttt@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# --- production hardening (issue 11); docs/deployment.md "Production settings" ---------

# Content-Security-Policy (django-csp): everything from the site itself, no inline script
# (the pages' behaviours are in static/kttt/app.js), no inline style (charts are drawn with
# SVG presentation attributes, kttt.lib.charts), nothing framed, no plug-ins. The API's
# Swagger UI page widens img-src for its icons (kttt/api/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Referrer-Policy and Cross-Origin-Opener-Policy: Django's defaults, said here on purpose.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# HTTPS, behind a proxy that ends TLS (docs/deployment.md). All off by default: `make run`
# serves plain HTTP on 127.0.0.1. SECURE_PROXY_SSL_HEADER names the header the proxy sets
# to "https" (X-Forwarded-Proto); set it only behind a proxy that always sets it.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
if proxy_ssl_header := os.environ.get("SECURE_PROXY_SSL_HEADER", "").strip():
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + proxy_ssl_header.upper().replace("-", "_"),
        "https",
    )
SILENCED_SYSTEM_CHECKS = [
    # HSTS preload is a decision of the owner of the registrable domain (gov.vn), for every
    # name under it, not of one application on a sub-domain.
    "security.W021",
]

# django-axes behind a reverse proxy: the number of proxies in front of gunicorn whose
# X-Forwarded-For is trusted (0: the header is ignored, a client cannot choose its address).
KTTT_TRUSTED_PROXIES = envint("KTTT_TRUSTED_PROXIES", 0)
AXES_CLIENT_IP_CALLABLE = "kttt.web.proxy.client_ip"

# A missing SQLite file: the web process (kttt/wsgi.py sets this) opens the database
# read-write without creating it (SQLite's mode=rw): a file removed while serving answers
# 503 (kttt.web.faults) instead of becoming an empty database. Commands (migrate on a fresh
# install) create it as before. NAME stays the path; only the connection gets the URI.
KTTT_DATABASE_MUST_EXIST = envbool("KTTT_DATABASE_MUST_EXIST", False)
if KTTT_DATABASE_MUST_EXIST and DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    _sqlite_path = Path(DATABASES["default"]["NAME"]).resolve()
    DATABASES["default"]["OPTIONS"]["database"] = f"{_sqlite_path.as_uri()}?mode=rw"
# A persistent PostgreSQL connection is checked before reuse, so the first request after the
# server came back is served rather than failing on the broken connection.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# Backups (`kttt backup` / `kttt restore`, docs/installation.md): where pg_dump and
# pg_restore are looked for first (then PATH); the client must not be older than the server.
PG_BINDIR = os.environ.get("PG_BINDIR", "/usr/lib/postgresql/15/bin")

# A PostgreSQL read replica (docs/deployment.md, "Scaling out"): the home page, the indicator
# pages and report generation read from it, inside `kttt.changes.replica.reading_replica`,
# when it has replayed everything the primary had committed; everything else reads and
# writes the primary. Unset: one database.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60),
    )
    DATABASES["replica"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    # Tests create no database of their own for it: it mirrors the test database.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["kttt.changes.replica.ReplicaRouter"]

# Evidence files on S3-compatible object storage (docs/deployment.md, "Scaling out"):
# KTTT_STORAGE=s3 with `pip install "django-storages[s3]"` (not a dependency of KTTT).
# Files are still served only through KTTT's view, which checks access; the bucket stays
# private. Default: files under MEDIA_ROOT.
KTTT_STORAGE = os.environ.get("KTTT_STORAGE", "filesystem")
if KTTT_STORAGE == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("AWS_STORAGE_BUCKET_NAME", ""),
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "access_key": os.environ.get("AWS_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY") or None,
            "default_acl": None,  # the bucket's own policy: private
            "file_overwrite": False,  # a second file of the same name gets a new name
        },
    }
elif KTTT_STORAGE != "filesystem":
    raise RuntimeError("KTTT_STORAGE must be filesystem or s3")
