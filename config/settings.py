"""Baosong settings: one file, driven by the environment (see docs/settings.md and .env.example)."""

from __future__ import annotations

import sys
from pathlib import Path

import dj_database_url

from config.env import ConfigError, env_bool, env_int, env_list, env_str
from config.storage import file_storages

BASE_DIR = Path(__file__).resolve().parent.parent

# Tests run with `make test` (which sets BAOSONG_TESTING=1) or plain `pytest`.
TESTING = env_bool("BAOSONG_TESTING", default=Path(sys.argv[0]).name in {"pytest", "py.test"})
DEBUG = env_bool("BAOSONG_DEBUG", default=False)
DEMO_MODE = env_bool("BAOSONG_DEMO_MODE", default=False)
# The HTTP load test's floor page /bench/floor/ (bench/load); never on in a deployment.
BENCH_FLOOR = env_bool("BAOSONG_BENCH_FLOOR", default=False)

DATA_DIR = Path(env_str("BAOSONG_DATA_DIR", str(BASE_DIR / "var")) or BASE_DIR / "var")


def _data_dir_secret(name: str) -> str | None:
    """`make run` keeps its generated secrets in the data directory, outside the database."""
    path = DATA_DIR / name
    return path.read_text(encoding="utf-8").strip() if path.is_file() else None


_secret = env_str("BAOSONG_SECRET_KEY") or _data_dir_secret("secret_key")
if not _secret:
    if DEBUG or TESTING:
        _secret = "insecure-development-key-never-use-in-production-0123456789abcdef"
    else:
        raise ConfigError("BAOSONG_SECRET_KEY is required when BAOSONG_DEBUG is off (see docs/settings.md)")
SECRET_KEY: str = _secret
ALLOWED_HOSTS = env_list("BAOSONG_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
if TESTING:
    ALLOWED_HOSTS = ["*"]
CSRF_TRUSTED_ORIGINS = env_list("BAOSONG_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # its bundled Swagger UI assets: the API docs page is served locally, never from a CDN
    "baosong.core",
    "baosong.orgs",
    "baosong.workdays",  # the working-day calendar: 法定节假日 and 调休 workdays, local overlays
    "baosong.signing",  # units' SM2 keys, fixed and signed released documents, /verify/
    "baosong.reports",
    "baosong.editorial",
    "baosong.instructions",
    "baosong.solicitations",
    "baosong.intake",  # 邮件报送: the intake mailbox (IMAP polling, local SMTP), quarantine
    "baosong.datareports",  # 数据报表: forms, collections with staged roll-up deadlines, returns
    "baosong.notifications",  # app label "notices": its tables and migrations kept that name
    "baosong.scoring",
    "baosong.search",
    "baosong.grouping",
    "baosong.oversight",  # 督查: silent units and suspected 漏报
    "baosong.federation",  # 跨系统报送: peer deployments, signed and encrypted packages
    "baosong.portal",
    "baosong.roster",  # the 信息员 register: 登记表 entries, registration rounds, change history
    "baosong.help",
    "baosong.api",
    "baosong.demo",  # generators: the demo province and cast, sample content, province-scale data
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "baosong.core.middleware.SecurityHeadersMiddleware",
    "baosong.core.middleware.RequestContextMiddleware",
    "baosong.core.middleware.BodySizeMiddleware",
    "baosong.core.middleware.RejectNulMiddleware",
    "baosong.core.dbrouter.ReadYourWritesMiddleware",  # a no-op without BAOSONG_REPLICA_URLS
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "baosong.orgs.middleware.SessionPolicyMiddleware",
    "baosong.core.refusals.RefusalMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "baosong" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "baosong.orgs.context_processors.navigation",
                "baosong.help.context_processors.help_link",
                "baosong.core.context_processors.security",
            ],
        },
    },
]

# Database: embedded SQLite (WAL, synchronous=FULL) unless DATABASE_URL points elsewhere.
_database_url = env_str("DATABASE_URL")
if _database_url:
    DATABASES = {
        "default": dj_database_url.parse(_database_url, conn_max_age=env_int("BAOSONG_DB_CONN_MAX_AGE", 60))
    }
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if TESTING:
        DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True, mode=0o700)  # the database, keys and files: owner only
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "baosong.sqlite3"),
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so a web request and the worker queue
                # instead of failing with "database is locked" half-way through a transaction.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
            },
            # Kept open between requests, as on PostgreSQL: opening one per request (and running the
            # PRAGMAs above on it, which happens once per connection) cost more than a simple page.
            "CONN_MAX_AGE": 0 if TESTING else env_int("BAOSONG_DB_CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
        }
    }
# Read replicas and pgbouncer: baosong/core/dbrouter.py, docs/deployment.md «数据库：主库、只读副本与
# pgbouncer». Behind pgbouncer's transaction pooling a named cursor cannot outlive its transaction.
PGBOUNCER = env_bool("BAOSONG_PGBOUNCER", False)
if PGBOUNCER and _database_url:
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
REPLICA_MAX_LAG_SECONDS = env_int("BAOSONG_REPLICA_MAX_LAG_SECONDS", 10)
READ_YOUR_WRITES_SECONDS = env_int("BAOSONG_READ_YOUR_WRITES_SECONDS", 10)
_replica_urls = env_list("BAOSONG_REPLICA_URLS")
if _replica_urls:
    if not _database_url:
        raise ConfigError("BAOSONG_REPLICA_URLS needs DATABASE_URL (PostgreSQL): SQLite has no replicas")
    from baosong.core.dbrouter import replica_databases

    DATABASES.update(
        replica_databases(
            DATABASES["default"], _replica_urls, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"]
        )
    )
    DATABASE_ROUTERS = ["baosong.core.dbrouter.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "orgs.User"
AUTHENTICATION_BACKENDS = ["baosong.orgs.backends.UnitUserBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"

# PBKDF2-HMAC-SM3 (GM/T 0004) first; older hashes upgrade on the next successful login.
PASSWORD_ITERATIONS = env_int("BAOSONG_PASSWORD_ITERATIONS", 2000 if TESTING else 600_000)
PASSWORD_HASHERS = [
    "baosong.core.crypto.PBKDF2SM3PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
PASSWORD_MIN_LENGTH = env_int("BAOSONG_PASSWORD_MIN_LENGTH", 8)
PASSWORD_HISTORY = env_int("BAOSONG_PASSWORD_HISTORY", 5)
PASSWORD_MAX_AGE_DAYS = env_int("BAOSONG_PASSWORD_MAX_AGE_DAYS", 90)
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "baosong.orgs.validators.CharacterClassesValidator", "OPTIONS": {"required": 3}},
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "full_name", "email", "mobile")},
    },
    {"NAME": "baosong.orgs.validators.PersonalInfoValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "baosong.orgs.validators.PasswordHistoryValidator"},
]
# Demo accounts may skip the first-login change; on only when BAOSONG_DEMO_MODE is set (make run).
DEMO_SKIP_PASSWORD_CHANGE = DEMO_MODE and env_bool("BAOSONG_DEMO_SKIP_PASSWORD_CHANGE", True)

LOCKOUT_THRESHOLD = env_int("BAOSONG_LOCKOUT_THRESHOLD", 5)
LOCKOUT_MINUTES = env_int("BAOSONG_LOCKOUT_MINUTES", 0)  # 0: locked until the security administrator unlocks
SESSION_IDLE_MINUTES = env_int("BAOSONG_SESSION_IDLE_MINUTES", 30)
SESSION_MAX_HOURS = env_int("BAOSONG_SESSION_MAX_HOURS", 12)
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ENGINE = "django.contrib.sessions.backends.db"
API_TOKEN_HOURS = env_int("BAOSONG_API_TOKEN_HOURS", 12)
# Long-lived tokens made on the settings page (/accounts/profile) and the rate limit on creating tokens
# (per user and per client IP, counted in the database so that it holds across worker processes).
API_TOKEN_MAX_DAYS = env_int("BAOSONG_API_TOKEN_MAX_DAYS", 365)
API_TOKEN_RATE_PER_USER = env_int("BAOSONG_API_TOKEN_RATE_PER_USER", 60)
API_TOKEN_RATE_PER_IP = env_int("BAOSONG_API_TOKEN_RATE_PER_IP", 600)
API_TOKEN_RATE_WINDOW_MINUTES = env_int("BAOSONG_API_TOKEN_RATE_WINDOW_MINUTES", 1)
OTP_TOTP_ISSUER = "报送平台"

SECURE_COOKIES = env_bool("BAOSONG_SECURE_COOKIES", default=not (DEBUG or TESTING or DEMO_MODE))
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict" if SECURE_COOKIES else "Lax"
CSRF_COOKIE_SAMESITE = "Strict" if SECURE_COOKIES else "Lax"
SESSION_COOKIE_NAME = "baosong_session"
SECURE_SSL_REDIRECT = env_bool("BAOSONG_SSL_REDIRECT", default=SECURE_COOKIES)
SECURE_HSTS_SECONDS = env_int("BAOSONG_HSTS_SECONDS", 31_536_000 if SECURE_COOKIES else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if env_bool("BAOSONG_BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"

# Audit chain key (HMAC-SM3); never stored in the database.
AUDIT_KEY = (
    env_str("BAOSONG_AUDIT_KEY")
    or _data_dir_secret("audit_key")
    or ("" if not (DEBUG or TESTING or DEMO_MODE) else "dev-audit-key")
)
if not AUDIT_KEY:
    raise ConfigError("BAOSONG_AUDIT_KEY (or BAOSONG_AUDIT_KEY_FILE) is required in production")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = env_str("BAOSONG_TIME_ZONE", "Asia/Shanghai") or "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_ROOT = DATA_DIR / "files"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if (DEBUG or TESTING)
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

# Background tasks: database-backed worker by default, executed inline in tests, or Redis (RQ) for several
# workers on several machines. The same @task / .enqueue() everywhere (baosong/core/taskqueue.py).
TASK_BACKEND = env_str("BAOSONG_TASK_BACKEND", "immediate" if TESTING else "database") or "database"
_TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "baosong.core.redisqueue.RQBackend",
}
if TASK_BACKEND not in _TASK_BACKENDS:
    raise ConfigError(
        f"BAOSONG_TASK_BACKEND must be one of {', '.join(_TASK_BACKENDS)}, got {TASK_BACKEND!r}"
    )
TASKS: dict[str, dict[str, object]] = {"default": {"BACKEND": _TASK_BACKENDS[TASK_BACKEND]}}
REDIS_URL = env_str("BAOSONG_REDIS_URL", "redis://127.0.0.1:6379/0") or "redis://127.0.0.1:6379/0"
RQ_QUEUE = env_str("BAOSONG_RQ_QUEUE", "baosong") or "baosong"
if TASK_BACKEND == "rq":
    INSTALLED_APPS.append("django_rq")
    # Tasks are declared on django-tasks' queue "default"; the backend sends them all to RQ_QUEUE.
    TASKS["default"]["QUEUES"] = ["default", RQ_QUEUE]
    _rq_queue = {"URL": REDIS_URL, "DEFAULT_TIMEOUT": env_int("BAOSONG_RQ_JOB_TIMEOUT", 3600)}
    RQ_QUEUES = {"default": _rq_queue, RQ_QUEUE: _rq_queue}
WORKER_HEARTBEAT_SECONDS = env_int("BAOSONG_WORKER_HEARTBEAT_SECONDS", 15)

EMAIL_HOST = env_str("BAOSONG_EMAIL_HOST", "127.0.0.1") or "127.0.0.1"
EMAIL_PORT = env_int("BAOSONG_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("BAOSONG_EMAIL_USER", "") or ""
EMAIL_HOST_PASSWORD = env_str("BAOSONG_EMAIL_PASSWORD", "") or ""
EMAIL_USE_TLS = env_bool("BAOSONG_EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env_str("BAOSONG_EMAIL_FROM", "baosong@localhost") or "baosong@localhost"
EMAIL_BACKEND = env_str("BAOSONG_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
if DEMO_MODE and not env_str("BAOSONG_EMAIL_BACKEND"):
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

IMPORT_MAX_BYTES = env_int("BAOSONG_IMPORT_MAX_MB", 50) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusals": {"()": "baosong.core.logfilters.RefusalsWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["refusals"]}},
    "root": {"handlers": ["console"], "level": env_str("BAOSONG_LOG_LEVEL", "WARNING")},
}

# Reporting: pre-submit checks. Personal data findings "warning" or "blocking" per kind.
PERSONAL_DATA_CHECKS = {
    "id_number": env_str("BAOSONG_CHECK_ID_NUMBER", "blocking"),
    "mobile": env_str("BAOSONG_CHECK_MOBILE", "warning"),
    "bank_card": env_str("BAOSONG_CHECK_BANK_CARD", "blocking"),
}
for _kind, _mode in PERSONAL_DATA_CHECKS.items():
    if _mode not in {"blocking", "warning"}:
        raise ConfigError(f"BAOSONG_CHECK_{_kind.upper()} must be 'blocking' or 'warning', got {_mode!r}")
REPORT_TITLE_MAX = env_int("BAOSONG_REPORT_TITLE_MAX", 40)
REMINDER_MINUTES_BEFORE_DUE = env_int("BAOSONG_REMINDER_MINUTES", 60)

# Urgent items also go out by SMS through an HTTP gateway (none configured: no SMS).
SMS_GATEWAY_URL = env_str("BAOSONG_SMS_GATEWAY_URL", "") or ""
SMS_GATEWAY_TOKEN = env_str("BAOSONG_SMS_GATEWAY_TOKEN", "") or ""
SMS_SIGN = env_str("BAOSONG_SMS_SIGN", "政务信息报送平台") or ""
SITE_URL = env_str("BAOSONG_SITE_URL", "http://127.0.0.1:8000") or ""

# Files (attachments, signed documents, rendered documents) go through Django's storage API: directories
# (BAOSONG_FILES_DIR, which may be a shared NFS/CIFS mount; by default the data directory, where they always
# were) or S3-compatible object storage. The aliases are added to STORAGES below (config/storage.py).
FILE_STORAGE = env_str("BAOSONG_STORAGE", "local") or "local"
FILES_DIR = Path(env_str("BAOSONG_FILES_DIR", str(DATA_DIR)) or DATA_DIR)
# Attachments: stored outside the web root under generated names, encrypted with SM4-GCM.
ATTACHMENT_ROOT = Path(
    env_str("BAOSONG_ATTACHMENT_DIR", str(FILES_DIR / "attachments")) or FILES_DIR / "attachments"
)
ATTACHMENT_MAX_MB = env_int("BAOSONG_ATTACHMENT_MAX_MB", 20)

# 跨系统报送 (baosong.federation): how long one delivery attempt waits for the peer.
FEDERATION_TIMEOUT_SECONDS = env_int("BAOSONG_FEDERATION_TIMEOUT_SECONDS", 10)
# The first retry after a failed delivery; each next one waits twice as long, at most an hour.
FEDERATION_BACKOFF_SECONDS = env_int("BAOSONG_FEDERATION_BACKOFF_SECONDS", 10)

# The intake mailbox (邮件报送, baosong/intake): mail from a registered 信息员's address becomes a draft.
INTAKE_UNIT = env_str("BAOSONG_INTAKE_UNIT", "") or ""  # unit code whose editors handle the quarantine
INTAKE_ADDRESSES = env_list("BAOSONG_INTAKE_ADDRESSES")  # the SMTP intake accepts mail only for these
INTAKE_MAX_MB = env_int("BAOSONG_INTAKE_MAX_MB", 30)
INTAKE_SMTP_HOST = env_str("BAOSONG_INTAKE_SMTP_HOST", "127.0.0.1") or "127.0.0.1"
INTAKE_SMTP_PORT = env_int("BAOSONG_INTAKE_SMTP_PORT", 2525)
INTAKE_IMAP_HOST = env_str("BAOSONG_INTAKE_IMAP_HOST", "") or ""
INTAKE_IMAP_PORT = env_int("BAOSONG_INTAKE_IMAP_PORT", 993)
INTAKE_IMAP_SSL = env_bool("BAOSONG_INTAKE_IMAP_SSL", True)
INTAKE_IMAP_STARTTLS = env_bool("BAOSONG_INTAKE_IMAP_STARTTLS", False)
INTAKE_IMAP_USER = env_str("BAOSONG_INTAKE_IMAP_USER", "") or ""
INTAKE_IMAP_PASSWORD = env_str("BAOSONG_INTAKE_IMAP_PASSWORD", "") or ""
INTAKE_IMAP_FOLDER = env_str("BAOSONG_INTAKE_IMAP_FOLDER", "INBOX") or "INBOX"
INTAKE_IMAP_TIMEOUT = env_int("BAOSONG_INTAKE_IMAP_TIMEOUT", 30)
# Rendered issue PDFs and DOCX, keyed by their content (editorial/documents.py); safe to delete at any time.
DOCUMENT_CACHE_DIR = Path(env_str("BAOSONG_DOCUMENT_CACHE_DIR", str(FILES_DIR / "cache" / "documents")) or "")
# Signed releases (baosong/signing): who holds the units' SM2 private keys. The software signer keeps them in
# the database encrypted under BAOSONG_FILE_KEY; a 密码机/UKey driver with the same interface replaces it.
SIGNER = env_str("BAOSONG_SIGNER", "baosong.signing.backends.SoftwareSigner") or ""
# The fixed bytes of signed issues and released 通报, SM4-encrypted: part of the record, back them up.
SIGNED_DOCUMENT_DIR = Path(env_str("BAOSONG_SIGNED_DOCUMENT_DIR", str(FILES_DIR / "signed")) or "")
STORAGES.update(
    file_storages(
        FILE_STORAGE,
        bucket=env_str("BAOSONG_S3_BUCKET", "") or "",
        endpoint_url=env_str("BAOSONG_S3_ENDPOINT_URL", "") or "",
        access_key=env_str("BAOSONG_S3_ACCESS_KEY", "") or "",
        secret_key=env_str("BAOSONG_S3_SECRET_KEY", "") or "",
        region=env_str("BAOSONG_S3_REGION", "us-east-1") or "",
        prefix=env_str("BAOSONG_S3_PREFIX", "") or "",
        addressing_style=env_str("BAOSONG_S3_ADDRESSING_STYLE", "path") or "path",
    )
)
# Stateless web nodes share one cache (the /verify/ rate limit, statistics, portal pages): Redis when
# BAOSONG_CACHE_URL is set; otherwise Django's per-process memory cache, enough for one machine.
CACHE_URL = env_str("BAOSONG_CACHE_URL", "") or ""
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError(f"BAOSONG_CACHE_URL must be a redis:// (rediss://, unix://) URL, got {CACHE_URL!r}")
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": env_str("BAOSONG_CACHE_KEY_PREFIX", "baosong") or "",
        }
    }
# The public /verify/ page and the API: the largest file checked, and checks per minute from one address.
VERIFY_MAX_MB = env_int("BAOSONG_VERIFY_MAX_MB", 20)
VERIFY_RATE_PER_MINUTE = env_int("BAOSONG_VERIFY_RATE_PER_MINUTE", 30)
# How long the statistics of one unit and period are shared between viewers (new adoptions show at once;
# unit tree and rule changes within this many seconds). 0: read on every view (the tests' default).
STATS_CACHE_SECONDS = env_int("BAOSONG_STATS_CACHE_SECONDS", 0 if TESTING else 60)
# How long a public portal page (home, columns, issues, articles, bulletins, feeds) is served from the
# cache. Keyed by the newest audit event, so publishing or withdrawing anything shows at once. 0: never.
PORTAL_CACHE_SECONDS = env_int("BAOSONG_PORTAL_CACHE_SECONDS", 0 if TESTING else 300)
# The largest request body any form accepts: the larger of the import and attachment limits plus 1 MB for the
# form around the file. Longer declared bodies answer 413 unread; nginx's client_max_body_size matches it.
REQUEST_MAX_BYTES = env_int(
    "BAOSONG_REQUEST_MAX_MB", max(IMPORT_MAX_BYTES // (1024 * 1024), ATTACHMENT_MAX_MB) + 1
) * (1024 * 1024)
# A ZIP container (docx, xlsx, pptx, ofd) is read only when its members, unpacked, stay within these.
ARCHIVE_MAX_UNPACKED_MB = env_int("BAOSONG_ARCHIVE_MAX_UNPACKED_MB", 200)
ARCHIVE_MAX_MEMBERS = env_int("BAOSONG_ARCHIVE_MAX_MEMBERS", 2000)
FILE_ENCRYPTION_KEY = env_str("BAOSONG_FILE_KEY") or _data_dir_secret("file_key") or ""
if not FILE_ENCRYPTION_KEY:
    if DEBUG or TESTING or DEMO_MODE:
        import hashlib as _hashlib

        FILE_ENCRYPTION_KEY = _hashlib.new("sm3", SECRET_KEY.encode()).hexdigest()[:32]
    else:
        raise ConfigError("BAOSONG_FILE_KEY (32 hex characters) is required in production")
try:
    if len(bytes.fromhex(FILE_ENCRYPTION_KEY)) != 16:
        raise ValueError
except ValueError:
    raise ConfigError("BAOSONG_FILE_KEY must be 32 hex characters (a 128-bit SM4 key)") from None
