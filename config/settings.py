"""Strata's one settings module. Every deploy-time choice is read from the environment here.

A malformed value stops the process at start with a message naming the variable
(see ``config.env``). ``README.md`` has the table of variables.
"""

from __future__ import annotations

import re
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url

from config.env import (
    ImproperlyConfiguredEnv,
    env_bool,
    env_int,
    env_list,
    env_rate,
    env_str,
    env_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfiguredEnv(
            "SECRET_KEY is not set; set it (any long random string), or set DEBUG=1 for development"
        )
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI / Redoc assets served locally, no CDN
    "django_celery_beat",
    "axes",  # admin login attempts, lockout after AXES_FAILURE_LIMIT failures
    "csp",
    "catalog",
    "api",
    "workers",
]

MIDDLEWARE = [
    # First: /healthz and /readyz answer before host checks and the HTTPS redirect (a load
    # balancer probes plain HTTP with its own Host), and database / oversize errors become
    # a 503 page or the API's JSON error (config/middleware.py).
    "config.middleware.HealthCheckMiddleware",
    "config.middleware.OutageMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: turns a locked-out admin login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out login before checking it
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "config" / "templates"],  # 404.html, 500.html, 503.html
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
_DEFAULT_DATABASE_URL = f"sqlite:///{VAR_DIR / 'strata.sqlite3'}"
DATABASE_URL = env_str("DATABASE_URL") or _DEFAULT_DATABASE_URL
try:
    _database = dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
except Exception as exc:  # dj-database-url raises several types for a bad URL
    raise ImproperlyConfiguredEnv(
        f"DATABASE_URL={DATABASE_URL!r} is not a database URL: {exc}"
    ) from None
if _database.get("ENGINE") not in {
    "django.db.backends.sqlite3",
    "django.db.backends.postgresql",
}:
    raise ImproperlyConfiguredEnv(
        f"DATABASE_URL={DATABASE_URL!r}: only sqlite:// and postgres:// databases are supported"
    )
if _database["ENGINE"] == "django.db.backends.sqlite3":
    _database["CONN_MAX_AGE"] = 0
    _database.setdefault("OPTIONS", {})["timeout"] = 20
    if _database["NAME"] not in ("", ":memory:"):
        Path(_database["NAME"]).parent.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = _database["ENGINE"] == "django.db.backends.postgresql"

# --- Redis: broker and cache when set; embedded defaults otherwise ----------------------------
REDIS_URL = env_url("REDIS_URL", "", schemes=("redis", "rediss"))
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "strata"),
            # A Redis that is down or hanging must not hold a request for long: callers that
            # can degrade (throttles, rate limits) let the request through (catalog/outages.py).
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery ------------------------------------------------------------------------------------
# Without REDIS_URL there is no broker: tasks run in-process (eager), so `make run` needs nothing.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
# A task deferred until the GitHub rate limit resets waits at most an hour; Redis must not
# hand it to a second worker before then, so the visibility timeout sits well above that.
# (Tests of a worker killed mid-batch lower it to seconds, hence the low minimum.)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 2 * 60 * 60, minimum=1)
}
# One Redis can serve several deployments (or test runs) when each uses its own queue.
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "celery")
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Workers and beat survive a Redis restart: they keep retrying the broker (with Celery's
# backoff) at start and after losing it, instead of exiting.
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None  # forever
# A web request queueing a task while Redis is down gives up after a few seconds.
CELERY_BROKER_CONNECTION_TIMEOUT = 4

# --- GitHub --------------------------------------------------------------------------------------
GITHUB_TOKENS = env_list("GITHUB_TOKENS", [])
GITHUB_API_URL = env_url("GITHUB_API_URL", "https://api.github.com")
GITHUB_GRAPHQL_URL = env_url("GITHUB_GRAPHQL_URL", "https://api.github.com/graphql")
GITHUB_BATCH_SIZE = env_int("GITHUB_BATCH_SIZE", 50, minimum=1)
GITHUB_RATE_LIMIT_RESERVE = env_int("GITHUB_RATE_LIMIT_RESERVE", 100, minimum=0)
GITHUB_TIMEOUT_SECONDS = env_int("GITHUB_TIMEOUT_SECONDS", 20, minimum=1)
# Retries of a 5xx / timeout / malformed answer before giving up (short capped backoff), and the
# longest secondary-limit Retry-After waited out in-process (longer ones defer the task).
GITHUB_RETRIES = env_int("GITHUB_RETRIES", 3, minimum=0)
GITHUB_MAX_INLINE_WAIT_SECONDS = env_int("GITHUB_MAX_INLINE_WAIT_SECONDS", 5, minimum=0)
REFRESH_MAX_CONSECUTIVE_FAILURES = env_int("REFRESH_MAX_CONSECUTIVE_FAILURES", 5, minimum=1)
# Inside a worker, a refreshed batch's layers are re-ranked once this many seconds later for
# every batch that asks meanwhile (workers/refresh/ranks.py); 0 re-ranks after each batch.
RANKS_DELAY_SECONDS = env_int("RANKS_DELAY_SECONDS", 20, minimum=0)

# --- Internationalisation, static files -------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- REST framework: the one place for the API policy -----------------------------------------
# Proxies in front of Strata that append to X-Forwarded-For (the throttles and the admin
# lockout count clients by address); 0 trusts no such header and uses REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ThrottledTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Anyone reads; only staff (curators) write. Views narrow this further where needed.
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.StaffWritesOrReadOnly"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    # Both throttles apply to every request: "user" counts a signed-in user by id and an
    # anonymous client by address, like "anon" does. Both let requests through while the cache
    # (Redis) is down, logging that once a minute (api/throttling.py).
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.FailOpenAnonRateThrottle",
        "api.throttling.FailOpenUserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_rate("API_THROTTLE_ANON", "120/minute", abbreviations=True),
        "user": env_rate("API_THROTTLE_USER", "1200/minute", abbreviations=True),
        # Wrong tokens one address may send before every token from it is refused (429).
        "token_failures": env_rate("API_THROTTLE_TOKEN_FAILURES", "10/hour", abbreviations=True),
    },
    # Proxies in front of Strata that append to X-Forwarded-For; 0 counts clients by
    # REMOTE_ADDR, so a client cannot pick its own throttle key with a forged header.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Strata API",
    "DESCRIPTION": (
        "Filtered rankings of open-source AI tools across the layers of the AI stack, with "
        "their GitHub metrics and daily history. Reads are public and cacheable (ETag / "
        "Last-Modified); curators write with a staff token (`Authorization: Token <key>`). "
        "Every error is JSON naming the parameter at fault and what it allows."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Clients authenticate with tokens; the session login only serves the browsable API.
    "AUTHENTICATION_WHITELIST": ["api.authentication.ThrottledTokenAuthentication"],
    "ENUM_NAME_OVERRIDES": {"ToolStatusEnum": "catalog.models.ToolStatus"},
}

# --- Public suggestions (catalog/suggestions.py) -----------------------------------------
# Suggestions one client address may send per period, as "<count>/<second|minute|hour|day>".
SUGGEST_RATE_LIMIT = env_rate("SUGGEST_RATE_LIMIT", "5/hour")

# --- HTTPS and browser security (production) ---------------------------------------------
# Off by default so `make run` works over plain HTTP; the README lists the production values,
# with which `manage.py check --deploy --fail-level WARNING` is clean.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=False)
# Load balancers probe the health endpoints over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=False)
# The header a TLS-terminating proxy sets to "https", e.g. X-Forwarded-Proto. Only set it
# when such a proxy always sets (and overwrites) that header.
_proxy_ssl_header = env_str("SECURE_PROXY_SSL_HEADER").strip()
if _proxy_ssl_header:
    if not re.fullmatch(r"[A-Za-z0-9-]+", _proxy_ssl_header):
        raise ImproperlyConfiguredEnv(
            f"SECURE_PROXY_SSL_HEADER={_proxy_ssl_header!r} is not a header name, "
            "e.g. X-Forwarded-Proto"
        )
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + _proxy_ssl_header.upper().replace("-", "_"),
        "https",
    )
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): everything from Strata's own origin. Pages, SVG charts,
# strata.js, admin, Swagger UI and Redoc (drf-spectacular-sidecar, served locally) need no
# outside source. Inline styles are allowed because admin, Swagger UI and Redoc set them;
# Redoc also builds its worker from a blob: URL. No inline script is allowed. Images may also
# come from GitHub: the owners' avatars on tool lists (github.com/<owner>.png redirects to
# avatars.githubusercontent.com); initials show when they cannot load.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": [
            "'self'",
            "data:",
            "https://github.com",
            "https://avatars.githubusercontent.com",
        ],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Admin login throttling (django-axes) -----------------------------------------------
# After AXES_FAILURE_LIMIT wrong passwords for one user name from one address, logins for it
# are refused for AXES_COOLOFF_MINUTES (a correct password too), with a page saying so.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_ONLY_ADMIN_SITE = True
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "axes_lockout.html"
if TRUSTED_PROXY_COUNT:
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT
AXES_VERBOSE = False

# --- Health (config/health.py) -----------------------------------------------------------
# /readyz reports the metrics refresh as late when the last successful run is this many
# minutes past the time the schedule says the next one should have started.
READYZ_REFRESH_GRACE_MINUTES = env_int("READYZ_REFRESH_GRACE_MINUTES", 120, minimum=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler", "stream": sys.stderr}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # httpx logs every request at INFO; a refresh makes thousands.
    "loggers": {"httpx": {"level": "WARNING"}, "httpcore": {"level": "WARNING"}},
}
