"""Settings for Policy Tracker, read from the environment (twelve-factor).

A laptop needs nothing set: ``make run`` turns on ``DJANGO_DEBUG=1`` and the app uses a SQLite
file and local-memory cache. Production sets ``DJANGO_SECRET_KEY`` and ``DJANGO_ALLOWED_HOSTS``
(the app refuses to start without them), and ``DATABASE_URL``/``REDIS_URL`` for PostgreSQL and
Redis.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name: str, *, default: bool) -> bool:
    """Read a 0/1 flag; anything else is a configuration error, not a silent default."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw not in {"0", "1"}:
        raise ImproperlyConfigured(f"{name} must be 0 or 1, not {raw!r}.")
    return raw == "1"


def env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


DEBUG = env_flag("DJANGO_DEBUG", default=False)

# What production mode lacks. Serving (tracker/wsgi.py, tracker/asgi.py) refuses to start
# while this is not empty, and `check --deploy` reports it; commands that serve nothing
# (migrate, makemigrations, load_seeds) still run.
PRODUCTION_PROBLEMS: list[str] = []

# A key this short or this obviously made-up would let anyone forge sessions.
_WEAK_KEY_MARKERS = ("insecure", "changeme", "secret-key", "django-insecure")
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if DEBUG:
    SECRET_KEY = SECRET_KEY or "django-insecure-local-development-only"
elif not SECRET_KEY:
    PRODUCTION_PROBLEMS.append(
        "DJANGO_SECRET_KEY is not set. Production mode (DJANGO_DEBUG unset or 0) needs a random "
        "key of at least 50 characters, e.g. from "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`; "
        "for local development set DJANGO_DEBUG=1 instead."
    )
elif len(SECRET_KEY) < 50 or any(m in SECRET_KEY.lower() for m in _WEAK_KEY_MARKERS):
    PRODUCTION_PROBLEMS.append(
        "DJANGO_SECRET_KEY is too weak for production: use a random key of at least 50 "
        "characters that does not contain a placeholder word such as 'insecure' or 'changeme'."
    )
    SECRET_KEY = ""  # never sign anything with it

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if DEBUG:
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]"]
elif not ALLOWED_HOSTS:
    PRODUCTION_PROBLEMS.append(
        "DJANGO_ALLOWED_HOSTS is not set. In production list the host names this app answers "
        "to, comma-separated (e.g. 'tracker.example.org')."
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "policies",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # More than DATA_UPLOAD_MAX_NUMBER_FIELDS (Django's 1,000) GET parameters answer 400
    # like a refused filter, in HTML or JSON (policies/web/limits.py), before any view runs.
    "policies.web.limits.RequestLimitsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its own response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tracker.urls"

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
                "policies.web.languages.language_twins",
            ],
        },
    },
]

WSGI_APPLICATION = "tracker.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite has one write lock for the whole database. Each transaction takes it as it
    # begins (IMMEDIATE), so that two writers queue instead of both reading and then one
    # failing to write; a writer waits up to DJANGO_SQLITE_BUSY_SECONDS for it; and the
    # write-ahead log lets readers read while a write is open. What is left after the wait
    # is retried by policies.writes. (The busy timeout is in seconds, as sqlite3 takes it.)
    # Reads map the file into memory rather than copy each page out of the system's cache
    # (SQLite maps at most its build's limit, 2 GB in Debian's): at 1M statements, a
    # sector and a theme's live counts took 4.9 s so, against 8.2 s copied.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": float(os.environ.get("DJANGO_SQLITE_BUSY_SECONDS") or 20),
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA mmap_size=2147418112"
            ),
        }
    )

# How many times a write that met a deadlock or a busy database is tried before the editor
# is told to try again (policies.writes).
WRITE_ATTEMPTS = int(os.environ.get("DJANGO_WRITE_ATTEMPTS") or 5)

if REDIS_URL := os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "policy-tracker",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The statements' partial indexes include the id for PostgreSQL's index-only scans; SQLite
# keeps the id (the rowid) in every index already, so ignoring INCLUDE there, as Django
# warns it does, loses nothing.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "policies" / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
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

# HTTPS protections are on in production unless DJANGO_HTTPS=0 says the app is reached over
# plain HTTP (loopback tests, or a proxy that terminates TLS and is trusted to redirect).
HTTPS = env_flag("DJANGO_HTTPS", default=not DEBUG)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    # Load balancers probe the health check over plain HTTP, inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
# Links out (to sources) do not tell the other site which page of ours the reader was on.
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# No script of ours reads the CSRF token from its cookie (forms carry it), so scripts
# cannot read it either.
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"

# Scripts, styles, fonts and images come from this app only; scripts never inline and
# never evaluated from a string, so a record's text that slipped past escaping still could
# not run. Nothing may frame the pages, change their base URL or embed plugins. The one
# exception is style attributes, which plotly.js sets on two chart elements: they cannot
# run script, and with every URL limited to this app they cannot fetch anything either.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-elem": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

LOGIN_URL = "admin:login"

# Five failed logins from one address, or for one user name, lock that address or name
# out for 15 minutes (django-axes); a success clears the count. Locking by name lets a
# stranger keep an editor out for a while, which is the lesser harm than letting anyone
# guess a password from many addresses.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The address is the connection's own unless DJANGO_PROXY_COUNT says how many proxies
# (that each append to X-Forwarded-For) stand in front: a client cannot name its own.
try:
    PROXY_COUNT = int(os.environ.get("DJANGO_PROXY_COUNT") or 0)
except ValueError:
    raise ImproperlyConfigured("DJANGO_PROXY_COUNT must be a whole number of proxies.") from None
if PROXY_COUNT:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    AXES_IPWARE_PROXY_COUNT = PROXY_COUNT
    AXES_IPWARE_PROXY_ORDER = "right-most"
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    # The API is public and read-only: no session authentication, so no CSRF surface.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
    # Anonymous requests per address, counted in the cache (policies.api.throttles).
    "DEFAULT_THROTTLE_CLASSES": ["policies.api.throttles.AnonymousRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("DJANGO_API_ANON_RATE") or "120/minute"},
    # The client's address as the throttle counts it: the connection's own, or the one the
    # trusted proxies (DJANGO_PROXY_COUNT) saw, as for the login lockout.
    "NUM_PROXIES": PROXY_COUNT,
}

# How many large exports (more than EXPORT_SMALL_ROWS rows) each process streams at once;
# the next gets 429 and Retry-After (EXPORT_RETRY_SECONDS) until one ends. A full export of
# a million statements takes about 20 s of a worker, and each slows the pages its process
# serves meanwhile (BENCHMARKS.md, Load test): one per process by default. Editors' exports
# and small ones are not limited.
try:
    EXPORTS_AT_ONCE = int(os.environ.get("DJANGO_EXPORTS_AT_ONCE") or 1)
except ValueError:
    raise ImproperlyConfigured("DJANGO_EXPORTS_AT_ONCE must be a whole number.") from None
EXPORT_SMALL_ROWS = 10_000
EXPORT_RETRY_SECONDS = 30
# A large export pauses this many times as long as it has worked (policies.web.exports):
# 1.0 leaves the pages at least half of what the export would take.
EXPORT_PACE = float(os.environ.get("DJANGO_EXPORT_PACE") or 1.0)
# The milliseconds one page's live facet counts may take together (policies/filters/facets/
# budget.py, as Datasette's facet_time_limit_ms); a facet whose counts run out of them lists
# its values without counts. 0 counts nothing live (the rollups still answer).
try:
    FACET_TIME_LIMIT_MS = int(os.environ.get("FACET_TIME_LIMIT_MS") or 200)
except ValueError:
    raise ImproperlyConfigured("FACET_TIME_LIMIT_MS must be a whole number.") from None
if FACET_TIME_LIMIT_MS < 0:
    raise ImproperlyConfigured("FACET_TIME_LIMIT_MS must be 0 or more.")
SPECTACULAR_SETTINGS = {
    "TITLE": "Policy Tracker API",
    "DESCRIPTION": (
        "Read-only access to published statements, plans, targets, indicators, observations "
        "and the reference data they point to. Relations are natural keys (slugs; a target as "
        "plan-slug/target-slug). Filters: sector, theme, actor, plan, kind, and indicator on "
        "targets and observations (repeatable), date_after, date_before (ISO dates), "
        "date_basis (statements) and q. Unknown parameters, malformed values and "
        'pages that are not one answer 400 with {"detail": "...", "errors": {"<parameter>": '
        '["<message>", ...]}}, the shape the exports and feeds answer with.'
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI's files come from the drf-spectacular-sidecar package, served from here.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Deep links put a link inside each operation's toggle button, which keyboards and screen
    # readers cannot tell apart (axe: nested-interactive); the toggle alone remains.
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}
