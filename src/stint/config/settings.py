"""The one settings module. Everything that varies between deployments comes
from environment variables (12-factor); see `.env.example`."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dj_database_url

from stint.config.env import cache_from_url, env_bool, env_int, env_list, env_rates, env_str

SRC_DIR = Path(__file__).resolve().parents[2]
BASE_DIR = SRC_DIR.parent
# Data (SQLite, uploads, keys): `var/` of the source checkout, or of the working directory
# when Stint runs from an installed wheel (never inside site-packages).
_DEFAULT_VAR = BASE_DIR / "var" if (BASE_DIR / "pyproject.toml").exists() else Path.cwd() / "var"
VAR_DIR = Path(env_str("STINT_VAR_DIR", str(_DEFAULT_VAR)))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# "production" switches on the secure defaults that `check --deploy` asks for.
ENVIRONMENT = env_str("STINT_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"
DEBUG = env_bool("DEBUG", not PRODUCTION)


def _secret_key() -> str:
    key = env_str("SECRET_KEY", "")
    if key:
        return key
    if PRODUCTION:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("SECRET_KEY is required when STINT_ENV=production.")
    # A development key generated once and kept under var/ so sessions survive restarts.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Sign-up, email verification, sign-in and password reset for apps without a browser
    # (docs/api.md "Accounts without a browser"): allauth's own flows and rate limits.
    "allauth.headless",
    # Institutions' single sign-on (stint.sso): one SocialApp per institution.
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "ninja",
    "oauth2_provider",  # OAuth 2.0 for third-party apps (stint.oauth)
    "django_tasks",
    "django_tasks_db",
    "stint.core",
    "stint.accounts",
    "stint.audit",
    "stint.orgs",
    "stint.sso",
    "stint.notifications",
    "stint.events",
    "stint.profiles",
    "stint.opportunities",
    "stint.matching",
    "stint.applications",
    "stint.payments",
    "stint.engagements",
    "stint.reviews",
    "stint.programs",
    "stint.growth",
    "stint.institutions",
    "stint.lti",
    "stint.moderation",
    "stint.privacy",
    "stint.ops",
    "stint.oauth",
    "stint.api",
    "stint.dashboard",
    "stint.demo",
]

MIDDLEWARE = [
    "stint.ops.middleware.RequestIdMiddleware",  # request ids in logs, latency for /metrics
    "stint.core.middleware.RateLimitHeadersMiddleware",  # RateLimit-* on limited actions
    "django.middleware.security.SecurityMiddleware",
    "stint.core.security.SecurityHeadersMiddleware",
    "stint.core.request_context.RequestContextMiddleware",  # the audit log's IP
    "stint.api.middleware.ApiJsonErrorsMiddleware",  # every /api/ error is JSON with a code
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: the switcher's cookie, else Accept-Language, else English (ADR 0021).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "stint.core.middleware.RejectNulMiddleware",
    "stint.core.middleware.OutOfRangeIdMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "stint.core.middleware.ViewerTimeZoneMiddleware",  # times in the viewer's zone (ADR 0021)
    "stint.api.idempotency.IdempotencyMiddleware",  # Idempotency-Key on API writes
    "stint.api.conditional.ConditionalApiMiddleware",  # ETag / If-None-Match / If-Match
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "stint.core.middleware.AccessErrorMiddleware",
]

ROOT_URLCONF = "stint.config.urls"
WSGI_APPLICATION = "stint.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "stint" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "stint.core.context_processors.navigation",
                "stint.notifications.context_processors.unread",
            ],
        },
    },
]

# --- Database: SQLite (WAL, busy timeout) by default, PostgreSQL through DATABASE_URL.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'stint.sqlite3'}")
_SQLITE = DATABASE_URL.startswith("sqlite:")
# SQLite keeps its connection: opening one re-reads the schema and starts with a
# cold page cache (2 ms of a 9 ms page, docs/bench/load.md); nothing is held
# between transactions in WAL mode. PostgreSQL: set it where the server runs.
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 600 if _SQLITE else 0)
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL and a busy timeout let a web process and a task worker share the file.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"

# --- django-allauth: email is the login; verification is mandatory.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SIGNUP_FORM_CLASS = "stint.accounts.forms.SignupRoleForm"
ACCOUNT_ADAPTER = "stint.accounts.adapter.AccountAdapter"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/300s/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Stint] "
# allauth.headless for apps only ("app" clients send X-Session-Token; browsers use the
# pages). Its emails still link to the pages, whose keys an app may also post itself.
HEADLESS_CLIENTS = ("app",)
HEADLESS_ONLY = False
# Its OpenAPI document at /_allauth/openapi.json (and .yaml); no HTML page: allauth's
# loads Redoc from a CDN, and Stint ships every asset itself.
HEADLESS_SERVE_SPECIFICATION = True
HEADLESS_SPECIFICATION_TEMPLATE_NAME = None

# --- allauth.socialaccount: institutions' identity providers (OpenID Connect, SAML), one
# SocialApp per institution, configured by its staff (stint/sso, docs/institutions.md).
# Its OpenID Connect views are stint.sso.oidc's (mounted first in urls.py), which always
# check the id_token's signature.
SOCIALACCOUNT_ADAPTER = "stint.sso.adapter.SocialAccountAdapter"
# An IdP may sign into an existing account by email only where the adapter allows it: an
# address in that institution's own verified domain, already verified here (stint.sso.rules).
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_STORE_TOKENS = False

# --- allauth.mfa: a second factor (authenticator app codes, security keys/passkeys,
# recovery codes), managed at /accounts/2fa/ (linked from account settings).
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_TOTP_ISSUER = "Stint"
# Accept the code of the 30-second step before or after too (phone clocks drift; RFC 6238 §5.2).
MFA_TOTP_TOLERANCE = 1
# Passkey sign-in (no password) is off by default; passkeys still serve as a second factor.
MFA_PASSKEY_LOGIN_ENABLED = env_bool("MFA_PASSKEY_LOGIN_ENABLED", False)
# Browsers allow WebAuthn on http:// only for localhost; development serves over http.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not PRODUCTION
# Stint's rule (accounts/rules.py): employer owners and admins (who fund escrow and release
# money) and platform admins must set up a second factor before moving money or using the admin.
# On by default in production; off in development so the demo logins work without an
# authenticator app (set STINT_MFA_REQUIRED=true to try the requirement locally).
STINT_MFA_REQUIRED = env_bool("STINT_MFA_REQUIRED", PRODUCTION)

# --- OAuth 2.0 for third-party apps (django-oauth-toolkit; stint.oauth, docs/api.md).
# Scopes are defined once in stint/oauth/rules.py. Authorization code with PKCE (S256 only)
# for every client; refresh tokens rotate; access tokens expire.
OAUTH2_PROVIDER = {
    "SCOPES_BACKEND_CLASS": "stint.oauth.scopes.StintScopes",
    "ACCESS_TOKEN_EXPIRE_SECONDS": env_int("OAUTH_ACCESS_TOKEN_EXPIRE_SECONDS", 3600),
    "REFRESH_TOKEN_EXPIRE_SECONDS": env_int("OAUTH_REFRESH_TOKEN_EXPIRE_SECONDS", 30 * 24 * 3600),
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ROTATE_REFRESH_TOKEN": True,
    # A refresh token used twice means it leaked: the whole family is revoked (RFC 9700).
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "PKCE_REQUIRED": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,  # S256 only, never "plain"
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,  # tokens in headers, not URLs
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,  # only hashes of tokens are stored
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,  # `iss` on redirects (RFC 9207 mix-up)
    "REQUEST_APPROVAL_PROMPT": "force",  # every authorisation shows the consent page
    # Native apps redirect to a loopback port chosen at run time (RFC 8252 §7.3).
    "ALLOW_LOCALHOST_LOOPBACK": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"] if PRODUCTION else ["http", "https"],
}

# --- Email: console in development, SMTP (EMAIL_URL=smtp://user:pass@host:port) in production.
EMAIL_URL = env_str("EMAIL_URL", "console://")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Stint <no-reply@stint.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL


def _email_settings(url: str) -> dict[str, object]:
    parts = urlsplit(url)
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme == "file":
        path = parts.path or str(VAR_DIR / "mail")
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": path,
        }
    if parts.scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if parts.scheme in {"smtp", "smtps", "smtp+tls"}:
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parts.hostname or "localhost",
            "EMAIL_PORT": parts.port or (465 if parts.scheme == "smtps" else 587),
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_SSL": parts.scheme == "smtps",
            "EMAIL_USE_TLS": parts.scheme == "smtp+tls",
        }
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"EMAIL_URL scheme {parts.scheme!r} is not console, file, locmem or smtp."
    )


globals().update(_email_settings(EMAIL_URL))

# --- Files.
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_URL = "/media/"
# Uploads live outside the web root; private files are served only through views that check access.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Uploads on local disk (default) or S3-compatible storage shared by every host (MinIO, Ceph,
# Garage, AWS): private files are then handed out as presigned URLs (core/files.py).
MEDIA_STORAGE = env_str("MEDIA_STORAGE", "local")
STINT_MEDIA_URL_SECONDS = env_int("STINT_MEDIA_URL_SECONDS", 300)
# Local disk behind nginx: an `internal` location serving MEDIA_ROOT (deploy/nginx-stint.conf).
STINT_MEDIA_ACCEL_PREFIX = env_str("STINT_MEDIA_ACCEL_PREFIX", "")
if MEDIA_STORAGE == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("AWS_S3_REGION_NAME", "") or None,
            "access_key": env_str("AWS_ACCESS_KEY_ID", "") or None,
            "secret_key": env_str("AWS_SECRET_ACCESS_KEY", "") or None,
            "location": env_str("AWS_LOCATION", ""),
            "default_acl": None,  # the bucket stays private
            "querystring_auth": True,
            "querystring_expire": STINT_MEDIA_URL_SECONDS,
            "file_overwrite": False,
        },
    }
elif MEDIA_STORAGE != "local":
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"MEDIA_STORAGE must be local or s3, not {MEDIA_STORAGE!r}.")

# --- Cache: rate limits, login throttles and page fragments. Several web processes or hosts
# must share one (CACHE_URL=redis://…); `check --deploy` refuses a per-process cache.
CACHE_URL = env_str("CACHE_URL", "")
CACHES = {"default": cache_from_url(CACHE_URL)}

# How many proxies under our control sit in front of the web processes and append to
# X-Forwarded-For (0: clients connect directly). Client IPs for Stint's own limits and the
# audit log, and allauth's login throttles, read it; production must state it.
STINT_TRUSTED_PROXIES: int | None = (
    env_int("STINT_TRUSTED_PROXIES", 0) if "STINT_TRUSTED_PROXIES" in os.environ else None
)
ALLAUTH_TRUSTED_PROXY_COUNT = STINT_TRUSTED_PROXIES or 0

# --- Background work: the Django tasks API; database backend by default, RQ when configured.
TASKS_BACKEND = env_str("TASKS_BACKEND", "database")
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
if TASKS_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
elif TASKS_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Internationalisation (ADR 0021). English is the default and the source language;
# Spanish is complete for the pages people use most. The catalogue ships inside the
# package (src/stint/locale), so a wheel finds it as well as a checkout.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [SRC_DIR / "stint" / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60  # the switcher's choice is remembered for a year
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"  # storage and anyone without a zone; a profile's zone is activated per request
USE_I18N = True
USE_TZ = True

# --- Security. Production gets the strict settings `check --deploy` wants.
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preloading is a promise browsers keep for months: the operator opts in.
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Not preloading is a choice, not an oversight: `check --deploy` need not warn.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

# --- Product rules that operators may tune.
STINT_INVITATION_DAYS = env_int("STINT_INVITATION_DAYS", 14)
STINT_API_TOKEN_LIMIT = env_int("STINT_API_TOKEN_LIMIT", 20)
# Micro-internships are paid: the lowest fee per estimated hour, per currency, in its minor
# units ("GBP:1500,JPY:1800" overrides these defaults: 20.00 in each two-decimal currency, 2,000 JPY).
STINT_MIN_HOURLY_RATES: dict[str, int] = {
    "USD": 2000,
    "EUR": 2000,
    "GBP": 2000,
    "CAD": 2000,
    "AUD": 2000,
    "CHF": 2000,
    "JPY": 2000,
    **env_rates("STINT_MIN_HOURLY_RATES"),
}
# No ghosting: pending applications are declined kindly after this many days without action.
STINT_AUTO_DECLINE_DAYS = env_int("STINT_AUTO_DECLINE_DAYS", 21)
# A cap on a candidate's open applications keeps mass-applying from flooding employers.
STINT_OPEN_APPLICATION_CAP = env_int("STINT_OPEN_APPLICATION_CAP", 10)
STINT_OFFER_EXPIRY_DAYS = env_int("STINT_OFFER_EXPIRY_DAYS", 5)
STINT_RESUME_MAX_BYTES = env_int("STINT_RESUME_MAX_BYTES", 5 * 1024 * 1024)
STINT_ATTACHMENT_MAX_BYTES = env_int("STINT_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
# Payments: the platform's fee in basis points (1000 = 10%) and who pays it.
STINT_PLATFORM_FEE_BPS = env_int("STINT_PLATFORM_FEE_BPS", 1000)
STINT_PLATFORM_FEE_PAYER = env_str("STINT_PLATFORM_FEE_PAYER", "employer")  # or "candidate"
STINT_PAYMENT_PROVIDER = env_str("STINT_PAYMENT_PROVIDER", "sandbox")  # or "stripe"
STRIPE_API_KEY = env_str("STRIPE_API_KEY", "")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET", "")
# The signing secret of the Connect webhook endpoint (events about connected accounts,
# e.g. account.updated); it may point at the same /payments/webhooks/stripe/ URL.
STRIPE_CONNECT_WEBHOOK_SECRET = env_str("STRIPE_CONNECT_WEBHOOK_SECRET", "")
# Engagements: employer silence after a submission approves it (the market leader uses 14).
STINT_AUTO_APPROVE_DAYS = env_int("STINT_AUTO_APPROVE_DAYS", 7)
STINT_MAX_CHANGE_ROUNDS = env_int("STINT_MAX_CHANGE_ROUNDS", 3)
# Matching indexes: "background" builds them in a thread of each web process
# (recommendations run degraded until ready); "sync" builds on first use.
STINT_INDEX_BUILD = env_str("STINT_INDEX_BUILD", "background")
# Reviews become visible when both sides are in, or after this many days.
STINT_REVIEW_REVEAL_DAYS = env_int("STINT_REVIEW_REVEAL_DAYS", 14)

# --- Trust and safety, privacy and data retention (stint.moderation, stint.privacy). ---------
# Cache-based rate limits: "<count>/<seconds>" per user and action, counted by the
# services themselves (stint.core.ratelimit), so pages and every token share one count.
STINT_RATE_LIMIT_APPLY = env_str("STINT_RATE_LIMIT_APPLY", "10/3600")
STINT_RATE_LIMIT_MESSAGE = env_str("STINT_RATE_LIMIT_MESSAGE", "30/600")
STINT_RATE_LIMIT_REPORT = env_str("STINT_RATE_LIMIT_REPORT", "20/3600")
STINT_RATE_LIMIT_PROPOSAL = env_str("STINT_RATE_LIMIT_PROPOSAL", "20/3600")
# Employer verification documents: at most this many files of this size (PDF, PNG, JPEG).
STINT_VERIFICATION_DOC_MAX_BYTES = env_int("STINT_VERIFICATION_DOC_MAX_BYTES", 5 * 1024 * 1024)
STINT_VERIFICATION_MAX_DOCS = env_int("STINT_VERIFICATION_MAX_DOCS", 5)
# Retention: how long each kind of record is kept before `manage.py privacy_purge` removes it.
STINT_RETENTION_DAYS_EXPORT = env_int("STINT_RETENTION_DAYS_EXPORT", 7)  # data-export zips
STINT_RETENTION_DAYS_AUDIT = env_int("STINT_RETENTION_DAYS_AUDIT", 730)  # audit log
STINT_RETENTION_DAYS_REPORTS = env_int("STINT_RETENTION_DAYS_REPORTS", 365)  # closed reports
# Verification documents after the request was decided.
STINT_RETENTION_DAYS_VERIFICATION_DOCS = env_int("STINT_RETENTION_DAYS_VERIFICATION_DOCS", 90)
# Read notifications.
STINT_RETENTION_DAYS_NOTIFICATIONS = env_int("STINT_RETENTION_DAYS_NOTIFICATIONS", 365)
# The ledger, engagements and invoices are kept (anonymised on account deletion) for the
# statutory bookkeeping period; nothing purges them automatically.
STINT_RETENTION_DAYS_LEDGER = env_int("STINT_RETENTION_DAYS_LEDGER", 3650)
# --- End of trust and safety settings. ------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Operations (stint.ops; see docs/deploy.md) ------------------------------------------
# Structured logs: LOG_FORMAT=json prints one JSON object a line; every record carries
# the request id (X-Request-ID) of the request that logged it.
LOG_FORMAT = env_str("LOG_FORMAT", "plain")
LOGGING["filters"] = {"request_id": {"()": "stint.ops.logs.RequestIdFilter"}}
LOGGING["formatters"]["json"] = {"()": "stint.ops.logs.JsonFormatter"}
LOGGING["handlers"]["console"]["filters"] = ["request_id"]
if LOG_FORMAT == "json":
    LOGGING["handlers"]["console"]["formatter"] = "json"
# /metrics: with a token, `Authorization: Bearer <token>` is required; without one only
# direct (non-proxied) requests from 127.0.0.1 are answered.
METRICS_TOKEN = env_str("METRICS_TOKEN", "")
OPS_SCHEDULER_INTERVAL = env_int("OPS_SCHEDULER_INTERVAL", 30)
# Database tasks RUNNING longer than this are assumed orphaned by a dead worker and requeued.
OPS_STALE_TASK_MINUTES = env_int("OPS_STALE_TASK_MINUTES", 30)
OPS_TASK_MAX_ATTEMPTS = env_int("OPS_TASK_MAX_ATTEMPTS", 3)
OPS_HISTORY_DAYS = env_int("OPS_HISTORY_DAYS", 30)
# Matching index snapshots (manage.py matching_snapshot; loaded at index build).
OPS_INDEX_SNAPSHOT = env_bool("OPS_INDEX_SNAPSHOT", True)
OPS_INDEX_SNAPSHOT_DIR = env_str("OPS_INDEX_SNAPSHOT_DIR", str(VAR_DIR / "indexes"))
OPS_INDEX_SNAPSHOT_MAX_AGE = env_int("OPS_INDEX_SNAPSHOT_MAX_AGE", 24 * 3600)
# Matching change-log rows are kept this many days; a process idle longer rebuilds its indexes.
OPS_INDEX_CHANGE_DAYS = env_int("OPS_INDEX_CHANGE_DAYS", 7)
# The events feed and webhook delivery log keep this many days (clients catch up within it).
STINT_EVENT_RETENTION_DAYS = env_int("STINT_EVENT_RETENTION_DAYS", 30)
# With TASKS_BACKEND=rq: "database" queues tasks in the database while Redis is down
# (drained by `db_worker --backend database`); "none" raises TaskBackendUnavailable.
OPS_TASKS_FALLBACK = env_str("OPS_TASKS_FALLBACK", "database")
if TASKS_BACKEND == "rq":
    TASKS["default"]["BACKEND"] = "stint.ops.backends.ResilientRQBackend"
    TASKS["default"]["OPTIONS"] = {
        "FALLBACK": "database" if OPS_TASKS_FALLBACK == "database" else ""
    }
    if OPS_TASKS_FALLBACK == "database":
        TASKS["database"] = {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": TASKS["default"]["QUEUES"],
        }
