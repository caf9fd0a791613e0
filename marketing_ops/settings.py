"""Settings for marketing_ops: every value comes from the environment, with development defaults.

Without any environment the app runs embedded (SQLite file, Celery tasks inline, mail to the
console). Production sets DEBUG=0 and must then provide SECRET_KEY; see README's table.
"""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=True)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

CITY_NAME = env.str("CITY_NAME", default="青山市")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_tables2",
    "axes",
    "marketing_ops",
    "revenue",
    "arrears",
    "audits",
    "materials",
    "appraisal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "marketing_ops.security.ContentSecurityPolicyMiddleware",
    "marketing_ops.middleware.refuse_nul_characters",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The user's language: the cookie the language switch and the login set from the profile,
    # else the browser's, else LANGUAGE_CODE (docs/language-and-formats.md).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it answers a locked-out login with 429.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "marketing_ops.urls"
WSGI_APPLICATION = "marketing_ops.wsgi.application"

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
                "marketing_ops.context_processors.site",
            ],
        },
    },
]

# Database: one schema for all apps. Default is an SQLite file in the project.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # PostgreSQL's JIT compiles any query its planner costs high (a month's import, the city
    # worklist) for ~0.6 s, and these queries then finish no sooner: off unless DATABASE_JIT=1.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options", f"-c jit={'on' if env.bool('DATABASE_JIT', default=False) else 'off'}"
    )
else:
    # SQLite waits for a writer instead of failing at once (imports run beside page reads).
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one user name,
# or from one address, logins of that name or address are refused with 429 for
# LOGIN_LOCKOUT_MINUTES; the login page and the API token endpoint count alike. A successful
# login clears the count. The axes backend comes first so that a locked-out user is refused
# before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "marketing_ops.auth.lockout_response"
# The client's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT reverse proxies the address
# they put in X-Forwarded-For (a client cannot forge it past the proxies counted).
AXES_IPWARE_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if AXES_IPWARE_PROXY_COUNT else ("REMOTE_ADDR",)
)
AXES_VERBOSE = False
# API tokens expire this many days after they were issued; users see and revoke theirs on the
# "API token" page, or with DELETE /api/v1/auth/token/.
API_TOKEN_TTL_DAYS = env.int("API_TOKEN_TTL_DAYS", default=30)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# The languages of the interface (docs/language-and-formats.md#languages): Simplified Chinese,
# the default, and English. The language a user picks is kept on their profile, else the
# browser's is served, else LANGUAGE_CODE.
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="zh-hans")
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperlyConfigured(f"LANGUAGE_CODE must be one of {', '.join(dict(LANGUAGES))}.")
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
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

# Email: console by default; EMAIL_URL (smtp://user:pass@host:587/?tls=True) in production.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="marketing-ops@localhost")

# Celery: Redis broker from REDIS_URL; without it tasks run inline (embedded mode).
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=30 * 60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=35 * 60)
# A task is acknowledged when it ends, so a worker that dies leaves it with the broker. The
# import task is also handed back when its pool child dies (marketing_ops/tasks.py).
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# The beat schedule is kept here, in code; every periodic task is named after what it does.
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "imports-fail-stale": {
        "task": "marketing_ops.tasks.fail_stale_imports",
        "schedule": env.int("IMPORT_JOB_SWEEP_SECONDS", default=60),
    },
    # Audits (docs/rules.md#audits): one idempotent task that also catches up 35 days.
    "audits-daily": {"task": "audits.tasks.audits_create", "schedule": crontab(hour=6, minute=0)},
    "audits-weekly": {
        "task": "audits.tasks.audits_create",
        "schedule": crontab(hour=6, minute=0, day_of_week="mon"),
    },
    "audits-monthly": {
        "task": "audits.tasks.audits_create",
        "schedule": crontab(hour=6, minute=0, day_of_month="1"),
    },
    # False users (docs/rules.md#false-users): the rule over the bills, once a month after the
    # month's bills are in; idempotent.
    "audits-false-users": {
        "task": "audits.tasks.false_users_find",
        "schedule": crontab(hour=6, minute=30, day_of_month="2"),
    },
    # The weekly audit notice of the week just ended, drafted after Monday's audits.
    "audits-notice-weekly": {
        "task": "audits.tasks.notice_draft",
        "schedule": crontab(hour=6, minute=30, day_of_week="mon"),
    },
    # Appraisal (docs/rules.md#appraisal-computation): the month before, on the 2nd.
    "appraisal-monthly": {
        "task": "appraisal.tasks.appraisal_compute",
        "schedule": crontab(hour=6, minute=0, day_of_month="2"),
    },
    # Materials (docs/materials.md#random-checks): each county's monthly sample, drawn once.
    "materials-random-checks": {
        "task": "materials.tasks.random_checks_draw",
        "schedule": crontab(hour=6, minute=10, day_of_month="1"),
    },
    "briefing-daily": {
        "task": "marketing_ops.tasks.send_briefing",
        "schedule": crontab(hour=7, minute=30),
        "args": ["daily"],
    },
    "briefing-weekly": {
        "task": "marketing_ops.tasks.send_briefing",
        "schedule": crontab(hour=8, minute=0, day_of_week="mon"),
        "args": ["weekly"],
    },
    "briefing-monthly": {
        "task": "marketing_ops.tasks.send_briefing",
        "schedule": crontab(hour=8, minute=0, day_of_month="3"),
        "args": ["monthly"],
    },
}

# REST API (docs/api.md). Token first so that an anonymous request answers 401, not 403.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "marketing_ops.auth.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "marketing_ops.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "marketing_ops.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["marketing_ops.filters.FilterBackend"],
    "COERCE_DECIMAL_TO_STRING": True,
    "EXCEPTION_HANDLER": "marketing_ops.api.exception_handler",
}
# The API schema and docs: open to anyone while developing, to signed-in users in production.
API_DOCS_PUBLIC = env.bool("API_DOCS_PUBLIC", default=DEBUG)
SPECTACULAR_SETTINGS = {
    "TITLE": "marketing_ops API",
    "DESCRIPTION": "Stable API v1 of marketing_ops. Money and rates are decimal strings.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["marketing_ops.auth.SchemaAccess"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several apps have a "status" field; name the import job's so the schema stays warning-free.
    "ENUM_NAME_OVERRIDES": {
        "ImportJobStatusEnum": "marketing_ops.models.ImportJob.Status",
        "AuditStatusEnum": "audits.models.Audit.Status",
        "FindingStatusEnum": "audits.models.Finding.Status",
        "VerificationItemStatusEnum": "audits.models.VerificationItem.Status",
        "VerificationItemResultEnum": "audits.models.VerificationItem.Result",
        "SignOffResultEnum": "audits.models.SignOff.Result",
        "CashFlowStatusEnum": "audits.api.cashflow.STATUSES",
        "FalseUserStatusEnum": "audits.models.FalseUserCase.Status",
        "FalseUserSourceEnum": "audits.models.FalseUserCase.Source",
        "FindingCategoryEnum": "audits.models.Finding.Category",
        "StockMoveKindEnum": "materials.models.MoveKind",
        "ItemCategoryEnum": "materials.models.Item.Category",
        "StockCountStatusEnum": "materials.models.StockCount.Status",
        "RandomCheckResultEnum": "materials.models.RandomCheckLine.Result",
        "RandomCheckModeEnum": "materials.models.RandomCheckLine.Mode",
        "LoopRowStatusEnum": "materials.api.loop.LOOP_STATUSES",
    },
}

DJANGO_TABLES2_TEMPLATE = "tables/bootstrap5-responsive.html"

# Uploads (docs/file-formats.md): limits checked before any parsing.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=200 * 1024 * 1024)
UPLOAD_MAX_ROWS = env.int("UPLOAD_MAX_ROWS", default=2_000_000)
UPLOAD_MAX_XLSX_UNCOMPRESSED = env.int("UPLOAD_MAX_XLSX_UNCOMPRESSED", default=1024 * 1024 * 1024)
UPLOAD_MAX_XLSX_RATIO = env.int("UPLOAD_MAX_XLSX_RATIO", default=100)
UPLOAD_MAX_ERRORS = env.int("UPLOAD_MAX_ERRORS", default=500)
# The work an upload may cause: cells a reader walks, blank ones between the data included
# (checked from the workbook's cell references before reading, and counted while reading).
UPLOAD_MAX_CELLS = env.int("UPLOAD_MAX_CELLS", default=40_000_000)
# An upload of a dataset that runs during the request (counties, business lines, monthly
# figures) with more cells than this runs in the background instead, so no web request
# can run into a timeout.
UPLOAD_FOREGROUND_MAX_CELLS = env.int("UPLOAD_FOREGROUND_MAX_CELLS", default=200_000)
# A running import renews its lease (ImportJob.heartbeat_at) with its progress, at most once a
# second; one not renewed for IMPORT_JOB_LEASE_SECONDS lost its worker (killed, out of memory,
# a web request ended by a timeout) and is marked failed by the sweep (beat, and every read of
# the import pages and API). The lease must outlast the longest step without progress: the
# final write, seconds for a million bills (bench/README.md).
IMPORT_JOB_LEASE_SECONDS = env.int("IMPORT_JOB_LEASE_SECONDS", default=180)
# Sheets whose grid (last row × last column) has up to this many cells are read by
# python-calamine (fast, the whole grid in memory, ~80 bytes a cell, blanks included); larger
# ones stream through openpyxl so that one import stays under 500 MB.
UPLOAD_XLSX_FAST_MAX_CELLS = env.int("UPLOAD_XLSX_FAST_MAX_CELLS", default=3_000_000)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Business dates (opened_on, paid_on, billing and report months…) fall from 1 January of this
# year to the end of the year this many years after the current one (docs/file-formats.md).
BUSINESS_DATE_MIN_YEAR = env.int("BUSINESS_DATE_MIN_YEAR", default=2000)
BUSINESS_DATE_YEARS_AHEAD = env.int("BUSINESS_DATE_YEARS_AHEAD", default=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Business rules with a setting (docs/rules.md#monthly-reports, #progress-against-time-progress,
# #arrears, #settings-that-change-a-rule).
REPORT_DEADLINE_DAY = env.int("REPORT_DEADLINE_DAY", default=5)
PROGRESS_AT_RISK_PP = env.int("PROGRESS_AT_RISK_PP", default=5)
ARREARS_LONG_TERM_DAYS = env.int("ARREARS_LONG_TERM_DAYS", default=90)
ARREARS_RECOVERY_TARGET = Decimal(env.str("ARREARS_RECOVERY_TARGET", default="0.98"))
# Memory PostgreSQL may use for the hash join of a million-row bills upsert (SET LOCAL work_mem).
ARREARS_IMPORT_WORK_MEM_MB = env.int("ARREARS_IMPORT_WORK_MEM_MB", default=128)
# Memory for building a bills month's indexes after a bulk import (SET LOCAL maintenance_work_mem).
ARREARS_IMPORT_MAINTENANCE_MEM_MB = env.int("ARREARS_IMPORT_MAINTENANCE_MEM_MB", default=256)
# Side connections that COPY and check the parts of a large bills CSV at once while the import's
# connection writes what they produce (arrears.bulk.side_load); 0 keeps the whole direct load
# on the import's connection. Files smaller than the minimum are not worth the connections.
ARREARS_IMPORT_STREAMS = env.int("ARREARS_IMPORT_STREAMS", default=2)
ARREARS_IMPORT_STREAM_MIN_BYTES = env.int("ARREARS_IMPORT_STREAM_MIN_BYTES", default=8 << 20)
REFUND_REVIEW_THRESHOLD = Decimal(env.str("REFUND_REVIEW_THRESHOLD", default="1000.00"))
# Audit rules' windows (docs/rules.md#verification-items): R1 looks back this many days for an
# earlier identical refund; R2 looks this many days either side for a dismantle.
AUDIT_R1_DAYS = env.int("AUDIT_R1_DAYS", default=30)
AUDIT_R2_DAYS = env.int("AUDIT_R2_DAYS", default=7)
# False users (docs/rules.md#false-users): an account in service billed 0 for this many
# consecutive months, ending with the latest billed month, and never paid is suspected.
FALSE_USER_ZERO_MONTHS = env.int("FALSE_USER_ZERO_MONTHS", default=6)
# Serials in each county's monthly random check of terminals (docs/materials.md#random-checks).
RANDOM_CHECK_SAMPLE = env.int("RANDOM_CHECK_SAMPLE", default=20)

# Size of the demo city's arrears data (`seed_demo`): accounts, each with 12 months of bills.
DEMO_ARREARS_ACCOUNTS = env.int("DEMO_ARREARS_ACCOUNTS", default=20_000)

# The bills indexes carry their amounts as INCLUDE columns on PostgreSQL (index-only sums);
# SQLite has no such columns and builds the same indexes on the keys alone, which is all it needs.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# Production hardening: `manage.py check --deploy` is clean when DEBUG is off.
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
