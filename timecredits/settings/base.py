"""Every setting, read from the environment; test.py and production.py only override a few."""

import datetime
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from timecredits.headers import static_file_headers

BASE_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-used-with-debug-on"  # noqa: S105

# The public address of this server, for links in emails and QR codes.
# Empty: links in QR codes and emails take the address each request came to (timecredits/site.py).
SITE_URL = env.str("SITE_URL", default="")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "timecredits.views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_q",
    # ninja in INSTALLED_APPS serves the API docs' Swagger UI from our static files, not a CDN.
    "ninja",
    "timecredits.ops",
    "timecredits.bench",
    "timecredits.programmes",
    "timecredits.members",
    "timecredits.activities",
    "timecredits.credits",
    "timecredits.notifications",
    "timecredits.reports",
    "timecredits.surveys",
    "ledger",
    "partners",
    "timecredits.spending",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "api.middleware.ErrorShapeMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "api.middleware.NulRefusingMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "timecredits.csrf.UnchangedCsrfCookieMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in person's stored language beats the cookie and Accept-Language.
    "timecredits.language.UserLanguageMiddleware",
    "timecredits.headers.PrivateCacheMiddleware",
    # Whom each page is for, so a shared phone keeps offline pages and scans for one person.
    "timecredits.pwa.owner.SignedInAsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "timecredits.middleware.DomainErrorMiddleware",
    # Links in QR codes and emails take the address the request came to unless SITE_URL is set.
    "timecredits.site.SiteAddressMiddleware",
]

AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = ["timecredits.members.backends.UsernameEmailOrPhoneBackend"]

ROOT_URLCONF = "timecredits.urls"
WSGI_APPLICATION = "timecredits.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "timecredits" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "timecredits.notifications.context_processors.unread",
                "timecredits.context_processors.navigation",
            ],
            "libraries": {
                "credits": "timecredits.templatetags.credits",
                "ui": "timecredits.templatetags.ui",
            },
        },
    },
]

# SQLite is the embedded default: WAL and a busy timeout let the web server and the
# django-q2 worker share the file; IMMEDIATE transactions take the write lock up front
# so two writers queue instead of failing with "database is locked".
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'timecredits.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")

# The cache is shared between the web server and the worker: django-q2 keeps its
# cluster heartbeat there, which is how /healthz knows a worker is alive.
CACHES = {
    "default": env.cache_url("CACHE_URL", default=REDIS_URL or f"filecache://{VAR_DIR / 'cache'}")
}

Q_CLUSTER = {
    "name": "timecredits",
    "workers": env.int("Q_WORKERS", default=2),
    "timeout": 300,
    "retry": 360,
    "max_attempts": 3,
    "catch_up": False,
    "cache": "default",
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

# The dashboard serves the figures the worker keeps (reports.outputs) while younger than this:
# the worker refreshes them every minute (django-q2's scheduler looks every 30 s, and a round
# can wait behind other tasks), and past this a live report takes about a second.
REPORTS_ROLLUP_MAX_AGE = datetime.timedelta(
    minutes=env.int("REPORTS_ROLLUP_MAX_AGE_MINUTES", default=5)
)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Signing in, and who is asking (timecredits/members/throttle.py, api/tokens.py).
# How many reverse proxies we run in front of the app: each appends to X-Forwarded-For, so the
# client is the Nth address from its right. 0 means no proxy: REMOTE_ADDR is the client.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Failed sign-ins within LOGIN_LOCKOUT_MINUTES that lock an account, or an address, out for
# LOGIN_LOCKOUT_MINUTES. An address is shared by everyone on one Wi-Fi, hence its higher limit.
LOGIN_FAILURES_PER_ACCOUNT = env.int("LOGIN_FAILURES_PER_ACCOUNT", default=10)
LOGIN_FAILURES_PER_ADDRESS = env.int("LOGIN_FAILURES_PER_ADDRESS", default=100)
LOGIN_LOCKOUT_MINUTES = env.int("LOGIN_LOCKOUT_MINUTES", default=15)
# Sign-ups per client address per hour: enough for a room of people joining on one Wi-Fi.
SIGNUPS_PER_ADDRESS_PER_HOUR = env.int("SIGNUPS_PER_ADDRESS_PER_HOUR", default=200)
# A bearer token stops working after this many days unused, and this many days after it was
# issued however much it is used; then the phone signs in again.
API_TOKEN_IDLE_DAYS = env.int("API_TOKEN_IDLE_DAYS", default=30)
API_TOKEN_MAX_AGE_DAYS = env.int("API_TOKEN_MAX_AGE_DAYS", default=180)

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", _("English")), ("cy", _("Welsh"))]
LOCALE_PATHS = [BASE_DIR / "timecredits" / "locale"]
# The header's language switch keeps the choice in this cookie (and, signed in, on the account).
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = env.str("TIME_ZONE", default="Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "timecredits" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="timecredits@localhost")

# Cookies and HTTPS: secure unless DEBUG is on; production.py adds HSTS and the redirect.
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): pages load scripts, styles, fonts and images from this
# site only, with no inline script or style anywhere (the templates keep both in static files),
# so an injected tag or attribute does nothing. QR codes and Swagger UI's icons are data: images.
# Static files get the same header from WhiteNoise (timecredits/headers.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
WHITENOISE_ADD_HEADERS_FUNCTION = static_file_headers

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# Every earning draws on its programme's issuance; spreading it over shards keeps that one
# account from queueing every posting behind a single row lock (see `make bench-ledger`).
LEDGER_ISSUANCE_SHARDS = env.int("LEDGER_ISSUANCE_SHARDS", default=8)

# Gifts between members: the most minutes one member can give others in a day (60 = 1 credit).
CREDITS_DAILY_GIFT_LIMIT_MINUTES = env.int("CREDITS_DAILY_GIFT_LIMIT_MINUTES", default=10 * 60)
# How long before credits expire a member is warned (see timecredits/credits/services/expiry.py).
CREDITS_EXPIRY_WARNING_DAYS = env.int("CREDITS_EXPIRY_WARNING_DAYS", default=30)
# How long a member's redemption code holds their credits before it expires and releases them.
REDEMPTION_HOLD_MINUTES = env.float("REDEMPTION_HOLD_MINUTES", default=30)
# An offer's photo: at most this many bytes, and this many pixels on its longer side.
OFFER_PHOTO_MAX_BYTES = env.int("OFFER_PHOTO_MAX_BYTES", default=2 * 1024 * 1024)
OFFER_PHOTO_MAX_SIDE = env.int("OFFER_PHOTO_MAX_SIDE", default=6000)
# Organisations one person may have waiting for a programme's approval at once.
ORGANISATION_PENDING_APPLICATIONS_LIMIT = env.int(
    "ORGANISATION_PENDING_APPLICATIONS_LIMIT", default=3
)

# Password reset links (registration/password_reset_*): valid for a day.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=24 * 3600)
PASSWORD_RESETS_PER_ADDRESS_PER_HOUR = env.int("PASSWORD_RESETS_PER_ADDRESS_PER_HOUR", default=20)
PASSWORD_RESETS_PER_EMAIL_PER_HOUR = env.int("PASSWORD_RESETS_PER_EMAIL_PER_HOUR", default=3)

# The ledger's covering index (kind, posted_at) INCLUDE (...) serves the reports on PostgreSQL;
# SQLite builds it without the included columns, which is all it needs, so no warning about it.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
