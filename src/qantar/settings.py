"""Qantar settings: one module, driven by QANTAR_* environment variables.

SQLite under ``QANTAR_DATA_DIR`` (default ``./var``) unless ``DATABASE_URL`` is set.
Production mode (``QANTAR_PRODUCTION=1``) refuses to start without ``QANTAR_SECRET_KEY``.
See docs/settings.md for every variable.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


def env_flag(name: str, default: bool = False) -> bool:
    """Read a boolean environment variable (1/true/yes/on)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    """Read a comma-separated environment variable."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
DATA_DIR = Path(os.environ.get("QANTAR_DATA_DIR", PROJECT_DIR / "var")).resolve()

IS_PRODUCTION = env_flag("QANTAR_PRODUCTION")
DEBUG = env_flag("QANTAR_DEBUG", default=False)

SECRET_KEY = os.environ.get("QANTAR_SECRET_KEY", "")
if not SECRET_KEY:
    if IS_PRODUCTION:
        raise ImproperlyConfigured(
            "QANTAR_SECRET_KEY must be set in production mode (QANTAR_PRODUCTION=1)."
        )
    # Development and tests: a fresh random key per process, never a default in the code.
    SECRET_KEY = secrets.token_urlsafe(50)

ALLOWED_HOSTS = env_list("QANTAR_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("QANTAR_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "qantar.common",
    "qantar.accounts",
    "qantar.audit",
    "qantar.vocab",
    "qantar.records",
    "qantar.evidence",
    "qantar.justice",
    "qantar.lists",
    "qantar.estimation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "qantar.common.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "qantar.accounts.middleware.SessionSecurityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "qantar.common.middleware.NoStoreMiddleware",
    "qantar.common.middleware.QantarErrorMiddleware",
]

ROOT_URLCONF = "qantar.urls"
WSGI_APPLICATION = "qantar.wsgi.application"

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
            ],
        },
    },
]


def database_settings() -> dict[str, dict[str, object]]:
    """SQLite (WAL, immediate transactions, secure delete) unless DATABASE_URL is set."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return {"default": dj_database_url.parse(url, conn_max_age=60)}
    path = Path(os.environ.get("QANTAR_SQLITE_PATH", DATA_DIR / "qantar.sqlite3"))
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # SQLite cannot create folders
    return {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(path),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA secure_delete=ON;"
                    "PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }


DATABASES = database_settings()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "records:home"
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian")), ("kk", _("Kazakh"))]
LOCALE_PATHS = [PROJECT_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]

# Sessions hold only ids; nothing sensitive is cached.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = int(os.environ.get("QANTAR_SESSION_SECONDS", 8 * 3600))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_IDLE_SECONDS = int(os.environ.get("QANTAR_SESSION_IDLE_SECONDS", 30 * 60))
CSRF_COOKIE_HTTPONLY = True
CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

# Uploads never touch the disk in clear: small ones stay in memory; evidence uploads are
# encrypted chunk by chunk as they arrive (qantar.evidence.uploads), on that page only.
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.MemoryFileUploadHandler"]

# Evidence files: an encrypted, write-once, content-addressed store on disk (docs/evidence.md).
EVIDENCE_DIR = Path(os.environ.get("QANTAR_EVIDENCE_DIR", DATA_DIR / "evidence")).resolve()
EVIDENCE_MAX_BYTES = int(os.environ.get("QANTAR_EVIDENCE_MAX_BYTES", 512 * 1024 * 1024))

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if IS_PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_flag("QANTAR_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Keys: the master key never lives in the database (docs/security.md).
KEY_FILE = os.environ.get("QANTAR_KEY_FILE", str(DATA_DIR / "keys" / "master.key"))
KEYSTORE_FILE = os.environ.get("QANTAR_KEYSTORE", str(DATA_DIR / "keys" / "keystore.sqlite3"))

# Logs carry ids and codes only: request bodies and values never reach them.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "qantar": {"handlers": ["console"], "level": "INFO"},
    },
}
ADMINS: list[tuple[str, str]] = []
