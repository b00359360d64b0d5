"""One settings module. Every deployment knob is an environment variable with a working default.

Secrets may also be given as NAME_FILE (a path whose contents are the value), as container secrets are.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("BUREAU_VAR_DIR", PROJECT_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded defaults (SQLite, media, mail) live here


def env(name: str, default: str | None = None, *, required: bool = False) -> str:
    """Read a setting from NAME, or from the file named by NAME_FILE; fail fast when a required one is missing."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    value = os.environ.get(name)
    if value is None or value == "":
        if required:
            raise ImproperlyConfigured(f"Environment variable {name} is required")
        return default if default is not None else ""
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = env(name, "1" if default else "0").lower()
    return raw in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    try:
        return int(env(name, str(default)))
    except ValueError as exc:
        raise ImproperlyConfigured(f"Environment variable {name} must be an integer") from exc


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
TESTING = env_bool("BUREAU_TESTING", "pytest" in sys.modules)
# One switch for production (docs/deployment.md): HSTS, the HTTPS redirect behind the proxy, secure cookies, the
# staff second factor, and no start with a development key or a missing secret. BUREAU_REQUIRE_SECRETS=1 is the
# older name of the same switch. The embedded default runs on a developer's machine without configuration.
PRODUCTION = env_bool("BUREAU_PRODUCTION", False) or env_bool("BUREAU_REQUIRE_SECRETS", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("BUREAU_PRODUCTION=1 与 DEBUG=1 不能同时开启")

# Development keys: known to everyone, refused in production.
DEV_SECRET_KEY = "dev-insecure-key-change-me"
DEV_FIELD_ENCRYPTION_KEY = "00112233445566778899aabbccddeeff"
DEV_AUDIT_KEY = "dev-audit-key-change-me"


def secret(name: str, dev_value: str) -> str:
    """A secret from NAME or NAME_FILE; in production it is required and must not be the development value."""
    value = env(name, dev_value, required=PRODUCTION)
    if PRODUCTION and value == dev_value:
        raise ImproperlyConfigured(f"生产模式下 {name} 不能使用开发默认值，请设置 {name} 或 {name}_FILE")
    return value


SECRET_KEY = secret("SECRET_KEY", DEV_SECRET_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "http://127.0.0.1,http://localhost")
PORT = env_int("PORT", 8000)
SITE_URL = env("SITE_URL", f"http://127.0.0.1:{PORT}")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "bureau.kernel",
    "bureau.accounts",
    "bureau.enterprises",
    "bureau.licensing",
    "bureau.certificates",
    "bureau.training",
    "bureau.inspection",
    "bureau.penalties",
    "bureau.hazards",
    "bureau.assistance",
    "bureau.petitions",
    "bureau.feedback",
    "bureau.portal",
    "bureau.indicators",
    "bureau.api",
]

MIDDLEWARE = [
    "bureau.kernel.timing.ServerTimingMiddleware",
    "bureau.kernel.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "bureau.accounts.middleware.SessionRefreshMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "bureau.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "bureau.certificates.middleware.KioskLockMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "bureau.kernel.csp.CSPMiddleware",  # django-csp's, the policy built once (kernel/csp.py)
    "bureau.kernel.middleware.RequestContextMiddleware",
    "bureau.portal.middleware.ApiCallLogMiddleware",
]

# Where a request's time goes (kernel/timing.py, docs/performance.md): a Server-Timing header (total, SQL, queries)
# and a cProfile file per request. Both off by default.
SERVER_TIMING = env_bool("SERVER_TIMING", False)
PROFILE_REQUESTS_DIR = env("PROFILE_REQUESTS_DIR", "")

ROOT_URLCONF = "bureau.urls"
WSGI_APPLICATION = "bureau.wsgi.application"

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
                "csp.context_processors.nonce",
                "bureau.kernel.context_processors.platform",
            ],
            "builtins": ["bureau.kernel.templatetags.ui"],
        },
    }
]


def postgres_options(prepare_threshold: str) -> dict[str, Any]:
    """Server-side prepared statements (psycopg 3; docs/performance.md, issue 18): a query run `prepare_threshold`
    times on a connection is parsed and planned once, then only executed — the database's share of a signed-in page
    roughly halves (application detail 348 → 666 pages/s on 2 cores). They need server-side parameter binding and a
    connection that lives (DB_CONN_MAX_AGE). On by default; "off" behind a pooler in transaction mode that cannot
    keep them (PgBouncer before 1.21, or without max_prepared_statements). Not 0 (psycopg: every statement prepared
    at its first use): PostgreSQL cannot prepare a statement of several commands, which migrations send."""
    value = prepare_threshold.strip().lower()
    if value == "off":
        return {}
    if not value.isdigit():
        raise ImproperlyConfigured("DB_PREPARE_THRESHOLD must be a whole number of uses (5 by default) or off")
    if int(value) == 0:
        raise ImproperlyConfigured("DB_PREPARE_THRESHOLD must be at least 1: with 0 every statement is prepared at its "
                                   "first use, and the migrations' statements of several commands cannot be prepared")
    return {"server_side_binding": True, "prepare_threshold": int(value)}


DATABASE_URL = env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'bureau.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
    }
    DATABASES["default"]["TEST"] = {"NAME": env("TEST_SQLITE_NAME", str(VAR_DIR / "test.sqlite3"))}
else:
    DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME", "") or None}
    # (merged into what DATABASE_URL's query says, sslmode for one)
    DATABASES["default"].setdefault("OPTIONS", {}).update(postgres_options(env("DB_PREPARE_THRESHOLD", "5")))
    if TESTING:  # a test database is thrown away: its commits need not wait for the WAL to reach the disk
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["bureau.accounts.backends.LockoutModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "workbench"
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Tests create many users; argon2 at production cost would dominate the suite.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "bureau.accounts.validators.CharacterClassValidator"},
]

# 等保 2.0 level 3 (GB/T 22239-2019): idle timeout here; failed sign-ins are throttled by rules (accounts/hooks.py).
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS
# Not on every request: accounts.middleware.SessionRefreshMiddleware saves a session again once a minute at most,
# so the idle timeout holds to the minute without a database write per page (issue 18).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_FAILURE_VIEW = "bureau.kernel.error_pages.csrf_failure"  # the Chinese 「页面已过期」 page (issue 17 item 3)
# Database sessions, read with one SQL text written once instead of an ORM query built per request (issue 18)
SESSION_ENGINE = env("SESSION_ENGINE", "bureau.accounts.sessions")
# 等保 2.0 8.1.4.1 d): staff sign in with two factors; on by default in production.
REQUIRE_STAFF_TOTP = env_bool("REQUIRE_STAFF_TOTP", PRODUCTION)

# HTTPS (production): the proxy terminates TLS and says so in X-Forwarded-Proto; health and metrics probes from
# the machine itself stay on plain HTTP.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", PRODUCTION) else None
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", PRODUCTION)

# The client address behind reverse proxies (kernel/net.py): X-Forwarded-For is believed only from these networks.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "")

LANGUAGE_CODE = "zh-hans"
FORMAT_MODULE_PATH = ["bureau.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG or TESTING

MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
# Files go through the storage API: the filesystem by default, S3-compatible storage by setting
# STORAGE_BACKEND=storages.backends.s3.S3Storage (django-storages) and its AWS_* variables.
STORAGES = {
    "default": {"BACKEND": env("STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage")},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Failure counters of sign-in and the public look-ups (kernel/throttle.py): the database, or Redis when set.
THROTTLE_REDIS_URL = env("THROTTLE_REDIS_URL", env("REDIS_URL"))

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env("REDIS_URL")}
        if env("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "bureau"}
    )
}

# Jobs: the Django tasks API (django-tasks backport) with the database backend by default.
TASKS = {
    "default": {
        "BACKEND": env(
            "TASKS_BACKEND",
            "django_tasks.backends.immediate.ImmediateBackend" if TESTING else "django_tasks_db.DatabaseBackend",
        )
    }
}

# Workers and the scheduler beat every WORKER_HEARTBEAT_SECONDS; a task whose worker has not beaten for
# WORKER_DEAD_SECONDS goes back to the queue (kernel/jobs.py), and /healthz reports the worker as late or dead.
WORKER_HEARTBEAT_SECONDS = env_int("WORKER_HEARTBEAT_SECONDS", 10)
WORKER_DEAD_SECONDS = env_int("WORKER_DEAD_SECONDS", 45)

# Outside-system adapters: each has a working default and a documented real implementation.
SMS_BACKEND = env("SMS_BACKEND", "bureau.kernel.sms.LoggingSmsBackend")
# Outside production with the logging SMS adapter, the registration and password-reset pages show the code they
# "sent", so that the demo can be tried without a phone (accounts/sms_codes.py demo_echo).
SMS_CODE_ECHO = env_bool("SMS_CODE_ECHO", True)

# Sign-in through the province's unified identity platform (统一身份认证, OpenID Connect; accounts/oidc.py,
# docs/deployment.md). Off while OIDC_ISSUER is empty. The client is registered with the platform; the redirect
# URI is https://<host>/accounts/oidc/callback/.
OIDC_ISSUER = env("OIDC_ISSUER", "").rstrip("/")
OIDC_CLIENT_ID = env("OIDC_CLIENT_ID", "")
OIDC_CLIENT_SECRET = env("OIDC_CLIENT_SECRET", "")
OIDC_SCOPES = env("OIDC_SCOPES", "openid profile")
OIDC_LABEL = env("OIDC_LABEL", "山西省政务服务统一身份认证")
OIDC_USCC_CLAIM = env("OIDC_USCC_CLAIM", "uscc")  # the claim naming the enterprise of a legal-person sign-in
# `amr` values (RFC 8176) that show the platform used more than a password: such a sign-in is not asked for the
# local second factor (docs/foundation.md, "统一身份认证").
OIDC_MFA_AMR = env_list("OIDC_MFA_AMR", "mfa,otp,sms,hwk,swk,face,fpt")
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "noreply@yjj.yuncheng.gov.cn")
# The public value of commit-reveal 双随机 draws (inspection/beacons.py, docs/inspection.md): "audit" (default, the
# first audit-chain entry at or after the announced draw time) or "drand" (the drand quicknet beacon, network needed).
DRAW_BEACON = env("DRAW_BEACON", "audit")
DRAW_BEACON_URL = env("DRAW_BEACON_URL", "https://api.drand.sh")

# Field protection for ID numbers and phones at rest (SM4). The key must be 16 bytes, hex-encoded.
FIELD_ENCRYPTION_KEY = secret("FIELD_ENCRYPTION_KEY", DEV_FIELD_ENCRYPTION_KEY)

# The audit chain's key (HMAC-SM3, kernel/audit.py): never in the database. Retired keys (comma-separated) keep
# older entries verifiable after a rotation. Checkpoints (sequence, head, time, signed) go outside the database.
AUDIT_KEY = secret("AUDIT_KEY", DEV_AUDIT_KEY)
AUDIT_RETIRED_KEYS = env_list("AUDIT_RETIRED_KEYS", "")
# The default keeps one folder per database, so that a developer who points DATABASE_URL elsewhere does not compare
# one database's trail with another's checkpoints; production names its folder explicitly.
_DB_SLUG = "".join(c if c.isalnum() else "-" for c in Path(str(DATABASES["default"]["NAME"])).name)[:60]
AUDIT_CHECKPOINT_DIR = Path(env("AUDIT_CHECKPOINT_DIR", str(VAR_DIR / "audit-checkpoints" / _DB_SLUG)))

BUREAU_NAME = env("BUREAU_NAME", "运城市应急管理局")

# The bureau's PAdES signature on licences and other documents (kernel/signing.py; docs/deployment.md): paths to a
# PEM private key and its certificate (a chain file optional). Production refuses to start without them; elsewhere a
# demo key pair and self-signed certificate are generated on first use in SIGNING_DEMO_DIR (`make run` does it).
SIGNING_DEMO_DIR = "" if PRODUCTION else str(VAR_DIR / "signing")
SIGNING_KEY_PATH = env("SIGNING_KEY_PATH", "" if PRODUCTION else str(Path(SIGNING_DEMO_DIR) / "key.pem"),
                       required=PRODUCTION)
SIGNING_CERT_PATH = env("SIGNING_CERT_PATH", "" if PRODUCTION else str(Path(SIGNING_DEMO_DIR) / "cert.pem"),
                        required=PRODUCTION)
SIGNING_CHAIN_PATH = env("SIGNING_CHAIN_PATH", "")
SIGNING_KEY_PASSWORD = env("SIGNING_KEY_PASSWORD", "")
SIGNING_LOCATION = env("SIGNING_LOCATION", "山西省运城市")
if PRODUCTION and not (Path(SIGNING_KEY_PATH).is_file() and Path(SIGNING_CERT_PATH).is_file()):
    raise ImproperlyConfigured("生产模式下必须配置电子签名密钥和证书：SIGNING_KEY_PATH、SIGNING_CERT_PATH 指向的文件不存在")
PLATFORM_NAME = env("PLATFORM_NAME", "运城市应急管理局政务服务平台")
CITY_REGION_CODE = env("CITY_REGION_CODE", "140800")

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

from csp.constants import NONCE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": ["'none'"],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": ["'none'"],
    }
}

NINJA_PAGINATION_MAX_LIMIT = 200

# /metrics answers the machine itself, or a scraper with this bearer token (kernel/metrics.py).
METRICS_TOKEN = env("METRICS_TOKEN")

LOG_LEVEL = env("LOG_LEVEL", "INFO")
# LOG_FORMAT=json writes one JSON object per line (for a log collector); personal data is masked either way.
LOG_FORMAT = env("LOG_FORMAT", "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_personal_data": {"()": "bureau.kernel.masking.MaskingLogFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
                   "json": {"()": "bureau.kernel.logs.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json" if LOG_FORMAT == "json" else "plain",
                    "filters": ["mask_personal_data"]},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
