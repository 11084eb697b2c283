"""Vigie's one settings module: every deployment knob comes from the environment.

| variable | default | meaning |
|---|---|---|
| DATABASE_URL | sqlite:///<VIGIE_DATA_DIR>/vigie.sqlite3 | sqlite:///path or postgres://user:pw@host/db |
| VIGIE_DATA_DIR | ./data | where the SQLite file and uploads live |
| VIGIE_SECRET_KEY | a development key (refused when VIGIE_DEBUG is off) | |
| VIGIE_DEBUG | 0 | 1 for development (and the demo): development secret key, plain cookies |
| VIGIE_DEBUG_PAGES | 0 | 1 (with VIGIE_DEBUG) for Django's technical error pages instead of Vigie's |
| VIGIE_ALLOWED_HOSTS | localhost,127.0.0.1 | comma-separated |
| VIGIE_EMAIL_HOST / _PORT / _USER / _PASSWORD / _USE_TLS, VIGIE_FROM_EMAIL | localhost:25 | SMTP |
| VIGIE_EMAIL_BACKEND | smtp | `console` prints e-mails instead (the demo) |
| VIGIE_ATTACHMENTS_DIR, VIGIE_ATTACHMENT_MAX_MB | <VIGIE_DATA_DIR>/attachments, 10 | tickets' photos and documents (private), largest file |
| VIGIE_IMPORT_MAX_DEPARTURES_PERCENT / VIGIE_IMPORT_MAX_DEPARTURES | 10 / 500 | a full import departing more active leases than the smaller needs an explicit confirmation |
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in {
        "1",
        "true",
        "yes",
        "on",
    }


def env_list(name: str, default: str) -> list[str]:
    return [v.strip() for v in os.environ.get(name, default).split(",") if v.strip()]


DEVELOPMENT = env_bool("VIGIE_DEBUG")
# Django's DEBUG shows its technical 404/500 pages (settings, tracebacks) instead of Vigie's
# French ones: a separate switch, off in the demo, so `make demo` shows what users will see.
DEBUG = DEVELOPMENT and env_bool("VIGIE_DEBUG_PAGES")
DATA_DIR = Path(os.environ.get("VIGIE_DATA_DIR", Path.cwd() / "data")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

# Refused below when VIGIE_DEBUG is off: never a production secret.
_DEV_SECRET = "vigie-development-only-secret-key-change-me-in-production-0123456789"  # nosec B105
SECRET_KEY = os.environ.get("VIGIE_SECRET_KEY", _DEV_SECRET)
if SECRET_KEY == _DEV_SECRET and not DEVELOPMENT and not os.environ.get("VIGIE_ALLOW_DEV_SECRET"):
    raise ImproperlyConfigured(
        "VIGIE_SECRET_KEY must be set when VIGIE_DEBUG is off (see docs/deploy.md)."
    )

ALLOWED_HOSTS = env_list("VIGIE_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("VIGIE_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "vigie.accounts.admin_site.VigieAdminConfig",  # superusers only (see the module)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "vigie.core",
    "vigie.accounts",
    "vigie.housing",
    "vigie.campaigns",
    "vigie.actions",
    "vigie.privacy",
    "vigie.mediation",
    "vigie.foodaid",
    "vigie.projects",
    "vigie.reports",
    "vigie.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "vigie.accounts.middleware.IdleTimeoutMiddleware",
    "vigie.core.middleware.FrenchByDefaultLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "vigie.core.middleware.LoginRequiredMiddleware",
    "vigie.core.middleware.SensitiveDeniedLogMiddleware",
    "vigie.core.middleware.MethodNotAllowedPageMiddleware",
    "vigie.accounts.middleware.TwoFactorMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns lockouts into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "vigie.urls"
WSGI_APPLICATION = "vigie.wsgi.application"

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
                "vigie.core.context_processors.vigie",
            ],
        },
    }
]
# Form fields wrapped one by one, the error above its input (vigie/core/rendering.py).
FORM_RENDERER = "vigie.core.rendering.VigieFormRenderer"

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'vigie.sqlite3'}")
_db = dj_database_url.parse(
    DATABASE_URL, conn_max_age=0 if DATABASE_URL.startswith("sqlite") else 60
)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["ENGINE"] = "vigie.core.db.sqlite3"  # SQLite plus a fair queue for writers
    # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at BEGIN so
    # two writers queue instead of failing with "database is locked" half-way (see
    # docs/decisions/0002-sqlite-by-default.md).
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA busy_timeout=20000; PRAGMA cache_size=-64000;"
        ),
    }
    # Tests use a file, not memory: concurrency tests need real file locking, as in production.
    _db["TEST"] = {
        "NAME": os.environ.get("VIGIE_TEST_SQLITE_FILE", str(DATA_DIR / "test-vigie.sqlite3"))
    }
else:
    _db.setdefault("OPTIONS", {})
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "vigie.accounts.validators.CharacterClassesValidator"},
]

# --- Language, time -------------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English keeps dd/mm/yyyy dates (vigie/formats/en/formats.py); French uses Django's own.
FORMAT_MODULE_PATH = ["vigie.formats"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEVELOPMENT
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
# Photos and documents of building tickets: private, served by a view (actions/services/attachments.py).
VIGIE_ATTACHMENTS_DIR = Path(os.environ.get("VIGIE_ATTACHMENTS_DIR", DATA_DIR / "attachments"))
VIGIE_ATTACHMENT_MAX_MB = int(os.environ.get("VIGIE_ATTACHMENT_MAX_MB", "10"))

# --- Authentication hardening (CNIL 2022-100, OWASP ASVS L2) ----------------------------
# Lock an account for 15 minutes after 5 failed logins from one address.
AXES_FAILURE_LIMIT = int(os.environ.get("VIGIE_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False  # no usernames in the application log
# TOTP second factor for roles that see health, mediation or audit data, and administrators.
VIGIE_REQUIRE_2FA = env_bool("VIGIE_REQUIRE_2FA", True)
OTP_TOTP_ISSUER = "Vigie"
# Password asked again before a bulk export or a role change if typed longer ago than this.
VIGIE_REAUTH_MINUTES = int(os.environ.get("VIGIE_REAUTH_MINUTES", "10"))

# Content-Security-Policy: everything from Vigie itself, no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# --- Sessions & security --------------------------------------------------------------------
SESSION_COOKIE_AGE = 30 * 60
# Idle timeout: 30 minutes without a request logs out (accounts.middleware.IdleTimeoutMiddleware
# refreshes the expiry at most once a minute instead of writing the session on every request).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("VIGIE_SECURE_COOKIES", not DEVELOPMENT)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if env_bool("VIGIE_HTTPS"):
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- E-mail ---------------------------------------------------------------------------------
# `make demo` prints e-mails on the console instead of sending them (VIGIE_EMAIL_BACKEND=console).
EMAIL_BACKEND = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
}[os.environ.get("VIGIE_EMAIL_BACKEND", "smtp")]
EMAIL_HOST = os.environ.get("VIGIE_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("VIGIE_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("VIGIE_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("VIGIE_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("VIGIE_EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("VIGIE_FROM_EMAIL", "vigie@localhost")
VIGIE_BASE_URL = os.environ.get("VIGIE_BASE_URL", "http://127.0.0.1:8000")

# --- Logging: never personal data; the audit journal lives in the database ------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("VIGIE_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Vigie ----------------------------------------------------------------------------------
VIGIE_PAGE_SIZE = 50
# Retention periods in days (docs/privacy.md). `vigie purge` applies them daily.
VIGIE_RETENTION_DAYS = {
    "access_log": int(os.environ.get("VIGIE_RETENTION_ACCESS_LOG_DAYS", "365")),
    "call_notes": int(os.environ.get("VIGIE_RETENTION_CALL_NOTES_DAYS", "730")),
    "departed_households": int(os.environ.get("VIGIE_RETENTION_DEPARTED_DAYS", "730")),
    "import_runs": int(os.environ.get("VIGIE_RETENTION_IMPORT_RUNS_DAYS", "365")),
    # Free text of closed referrals, tickets and tasks: two years after they closed (CNIL 2023-095).
    "action_notes": int(os.environ.get("VIGIE_RETENTION_ACTION_NOTES_DAYS", "730")),
    # Photos and documents of tickets: one year after the ticket closed.
    "ticket_attachments": int(os.environ.get("VIGIE_RETENTION_TICKET_ATTACHMENTS_DAYS", "365")),
}
VIGIE_CLAIM_MINUTES = int(os.environ.get("VIGIE_CLAIM_MINUTES", "15"))
# A full import that would mark more of the landlord's active leases departed than the smaller
# of these two (a percentage, rounded up, and a number) is refused unless the person confirms
# the number of departures (docs/import.md): a truncated file must not empty the register.
VIGIE_IMPORT_MAX_DEPARTURES_PERCENT = float(
    os.environ.get("VIGIE_IMPORT_MAX_DEPARTURES_PERCENT", "10")
)
VIGIE_IMPORT_MAX_DEPARTURES = int(os.environ.get("VIGIE_IMPORT_MAX_DEPARTURES", "500"))

# --- Background tasks (django-tasks backport + its database backend; docs/decisions/0004) ----
# No Redis: tasks are rows in the database, run by `vigie db_worker` (deploy/vigie-worker.service).
# Under pytest the immediate backend runs a task as soon as it is enqueued, so a test that
# executes on-commit callbacks (`django_capture_on_commit_callbacks(execute=True)`) sees its
# effect; tests of the database backend itself override TASKS.
# VIGIE_TASKS_BACKEND=database|immediate overrides the choice.
import sys as _sys  # noqa: E402

INSTALLED_APPS += ["django_tasks", "django_tasks_db"]
# More modules, by dotted path (comma-separated); a module declares its own URLs, menu,
# permissions… (docs/architecture.md, "How to add a module"). Under pytest the example module
# that lives with the tests is installed too (vigie/tests_example).
INSTALLED_APPS += [app for app in os.environ.get("VIGIE_EXTRA_APPS", "").split(",") if app]
if "pytest" in _sys.modules:
    INSTALLED_APPS += ["vigie.tests_example"]
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
_tasks_backend = os.environ.get(
    "VIGIE_TASKS_BACKEND", "immediate" if "pytest" in _sys.modules else "database"
)
if _tasks_backend not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"VIGIE_TASKS_BACKEND must be one of {', '.join(_TASK_BACKENDS)}, not {_tasks_backend!r}."
    )
TASKS = {
    "default": {
        "BACKEND": _TASK_BACKENDS[_tasks_backend],
        # "maintenance": nightly chores (backup, purges), so a long one never delays user tasks
        # when a second worker serves "default" only.
        "QUEUES": ["default", "maintenance"],
    }
}

# --- Production hardening (docs/deploy.md, "vigie check --deploy") -------------------------
# HSTS preload is a commitment for a whole registrable domain (example-hlm.fr and every
# subdomain, hard to undo). Vigie usually lives on a subdomain of the landlord's domain, where
# preloading does not apply, so it is off unless IT asks for it; W021 is silenced only then.
SECURE_HSTS_PRELOAD = env_bool("VIGIE_HSTS_PRELOAD")
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = [*globals().get("SILENCED_SYSTEM_CHECKS", []), "security.W021"]
# Backups: where `vigie backup` writes when given a directory, and how many it keeps there.
VIGIE_BACKUP_DIR = Path(os.environ.get("VIGIE_BACKUP_DIR", DATA_DIR / "backups"))
VIGIE_BACKUP_KEEP = int(os.environ.get("VIGIE_BACKUP_KEEP", "14"))
