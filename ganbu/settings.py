"""Django settings for Ganbu. Everything environment-specific comes from environment variables.

GANBU_ENV=production switches on production settings (SECRET_KEY and ALLOWED_HOSTS required,
secure cookies, HSTS). The default is a local development setup on an SQLite file under var/.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

from ganbu.env import (
    ConfigError,
    create_private_file,
    env_bool,
    env_int,
    env_list,
    env_str,
    make_private,
    write_private_file,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("GANBU_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)

GANBU_ENV = env_str("GANBU_ENV", "development")
if GANBU_ENV not in {"development", "production", "test"}:
    raise ConfigError(f"GANBU_ENV must be development, production or test, got {GANBU_ENV!r}")
PRODUCTION = GANBU_ENV == "production"


def _secret_key() -> str:
    if PRODUCTION:
        return env_str("SECRET_KEY")
    from_env = env_str("SECRET_KEY", "")
    if from_env:
        return from_env
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        write_private_file(key_file, secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ConfigError("ALLOWED_HOSTS is required when GANBU_ENV=production")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "ganbu.core",
    "ganbu.org",
    "ganbu.audit",
    "ganbu.cadres",
    "ganbu.analytics",
    "ganbu.ballots",
    "ganbu.assessment",
    "ganbu.villagework",
    "ganbu.selection",
    "ganbu.home",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "ganbu.core.conf.RequestCache",
    "ganbu.core.http.InputGuard",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "axes.middleware.AxesMiddleware",
    "ganbu.core.http.NoStore",
]

ROOT_URLCONF = "ganbu.urls"
WSGI_APPLICATION = "ganbu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "ganbu" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ganbu.org.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'ganbu.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=env_bool("CONN_HEALTH_CHECKS", True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes; IMMEDIATE transactions take the write lock at
    # BEGIN so concurrent writers queue on the busy timeout instead of failing on lock upgrade.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    # A file (not :memory:) so threads in race tests share it; per process so parallel runs don't clash.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test_ganbu_{os.getpid()}.sqlite3")}
    SQLITE_FILE = Path(DATABASES["default"]["NAME"])
    if SQLITE_FILE.parent == VAR_DIR:
        create_private_file(SQLITE_FILE)  # SQLite gives its -wal and -shm files the mode of the database

# The data directory (database, uploads, secrets) is for the owner only: 0700, files 0600. The
# start-up check (core/checks.py) reports anything wider; here what this process owns is narrowed.
PRIVATE_FILES = [
    VAR_DIR / name for name in ("ganbu.sqlite3", "ganbu.sqlite3-wal", "ganbu.sqlite3-shm", "secret_key")
]
make_private(VAR_DIR, PRIVATE_FILES)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "org.User"

# --- Auth: Argon2, login throttling, session timeout ----------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home:dashboard"
LOGOUT_REDIRECT_URL = "login"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours: 15 minutes
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The client address: REMOTE_ADDR, or behind the reverse proxies listed here (the documented nginx:
# 127.0.0.1) the right-most X-Forwarded-For hop that is not one of them (core/http.py).
GANBU_TRUSTED_PROXIES = env_list("GANBU_TRUSTED_PROXIES", [])
AXES_CLIENT_IP_CALLABLE = "ganbu.core.http.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = env_bool("AXES_ENABLED", True)
SESSION_COOKIE_AGE = env_int("SESSION_TIMEOUT_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True  # idle timeout: each request extends the session
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- I18N -----------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static ---------------------------------------------------------------------------------
STATIC_URL = "static/"
# Collected static files are public (nginx serves them): outside the private data directory.
STATIC_ROOT = Path(env_str("GANBU_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "ganbu" / "static"]
# Outside production whitenoise serves straight from the apps' static folders, so the demo
# (`make run`) runs with DEBUG off (Chinese 403/404/500 pages, no developer pages) and no collectstatic.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"
FILE_UPLOAD_PERMISSIONS = 0o600  # uploads (photos, import files, job outputs) are personal data
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
MEDIA_URL = "media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Security headers -----------------------------------------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# --- Logging: never log request bodies or query strings of the ballot endpoints -------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# --- Audit anchors (ganbu/audit/README.md) ---------------------------------------------------
GANBU_AUDIT_SIGNING_KEY = env_str("GANBU_AUDIT_SIGNING_KEY", "")  # base64 raw Ed25519 key; else the key file
GANBU_AUDIT_KEY_FILE = env_str("GANBU_AUDIT_KEY_FILE", str(VAR_DIR / "audit_signing_key"))
GANBU_AUDIT_VERIFY_KEY = env_str("GANBU_AUDIT_VERIFY_KEY", "")  # public key(s) of a verifier
GANBU_AUDIT_ANCHOR_FILE = env_str("GANBU_AUDIT_ANCHOR_FILE", "")  # anchors appended at every seal

# --- Domain settings ------------------------------------------------------------------------
GANBU_PAGE_SIZE = env_int("GANBU_PAGE_SIZE", 50)
GANBU_JOBS_SYNC = env_bool("GANBU_JOBS_SYNC", False)


# The structure index's INCLUDE columns are a PostgreSQL optimisation; SQLite builds the index without them.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
