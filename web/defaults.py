"""Every configuration key of Khlang, with its default and what it does.

Read once, in `create_app` (and by the CLI through it): defaults here, then the instance folder's
`khlang.cfg`, then environment variables prefixed `KHLANG_` (e.g. `KHLANG_SECRET_KEY`), then
`DATABASE_URL`, then the overrides a test passes. No module reads the environment at import.
"""

# Flask's session signing key. The demo generates one per instance folder; set it in production.
SECRET_KEY = None

# SQLAlchemy URL of the store. None = an SQLite file `khlang.sqlite3` in the instance folder.
# Production: postgresql+psycopg://user:pass@host/dbname
DATABASE_URL = None

# Apply pending Alembic migrations when the web app starts (`khlang serve`).
MIGRATE_ON_START = True

# Default UI language ("th" or "en"); a user may switch with ?lang=en.
BABEL_DEFAULT_LOCALE = "th"

# Time zone for dates shown to users (Thai offices work in Asia/Bangkok).
BABEL_DEFAULT_TIMEZONE = "Asia/Bangkok"

# Languages the UI offers.
LANGUAGES = ("th", "en")

# Items per page in the bank browser.
BANK_PAGE_SIZE = 25

# Seconds the assembler may search for parallel forms when an officer assembles from the page (a job).
FORMS_ASSEMBLY_SECONDS = 20.0

# The lowest IOC (index of item–objective congruence) with which an item may be approved.
IOC_THRESHOLD = 0.5

# Largest upload accepted by any form, in bytes (imports have their own stricter limits).
MAX_CONTENT_LENGTH = 32 * 1024 * 1024

# Name of the service area office shown in page headers and documents.
DISTRICT_NAME = "สำนักงานเขตพื้นที่การศึกษาประถมศึกษา"

# --- Accounts, sign-in and hardening (web/auth) ---
# Production: refuses to start with DEMO_MODE, debug, a missing or weak SECRET_KEY, or TOTP_REQUIRED
# off; turns on HSTS and Secure cookies. Set KHLANG_PRODUCTION=true on the server.
PRODUCTION = False

# Demo mode (`khlang demo seed` writes it into khlang.cfg): the sign-in page lists the demo accounts
# and their shared DEMO_PASSWORD. Never in production.
DEMO_MODE = False
# The password `khlang demo seed` gives every demo account (public: it is in the README).
DEMO_PASSWORD = "khlang-demo-2569"

# Officers, analysts and administrators sign in with a TOTP code (an authenticator app) as well.
# Off by default for the demo and tests; production requires it. Enrolled users always use it.
TOTP_REQUIRED = False

# Failed sign-ins of one username within LOGIN_WINDOW_MINUTES that lock it until they age out
# (counted in the database: every worker shares the count).
LOGIN_MAX_FAILURES = 10
# The window, in minutes, over which failed sign-ins are counted.
LOGIN_WINDOW_MINUTES = 15
# Seconds of pause after each failed sign-in or second-factor code.
LOGIN_FAILURE_DELAY = 0.5

# A session ends after this many minutes without a request...
SESSION_IDLE_MINUTES = 30
# ...and this many hours after signing in, however active.
SESSION_ABSOLUTE_HOURS = 12

# Name of the session cookie (it holds only a random session token and the CSRF secret, signed).
SESSION_COOKIE_NAME = "khlang_session"
# Scripts never read the session cookie.
SESSION_COOKIE_HTTPONLY = True
# The cookie is not sent by other sites' forms (CSRF tokens are checked as well).
SESSION_COOKIE_SAMESITE = "Lax"
# Only over HTTPS; PRODUCTION turns it on.
SESSION_COOKIE_SECURE = False
# Flask-Login's remember-me cookie is never set; if it were, scripts could not read it...
REMEMBER_COOKIE_HTTPONLY = True
# ...and only HTTPS would carry it (PRODUCTION turns it on).
REMEMBER_COOKIE_SECURE = False

# Reverse proxies in front of Khlang that set X-Forwarded-For/-Proto (1 behind nginx); 0 = trust none,
# so a client cannot spoof its address in the audit log.
TRUSTED_PROXIES = 0

# Content-Security-Policy of every response.
CONTENT_SECURITY_POLICY = ("default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
                           "form-action 'self'; img-src 'self' data:; style-src 'self'")

# --- Jobs (web/jobs): calibrations, bulk booklet renders and big imports run on a Huey queue ---
# "sqlite": an embedded queue in a SQLite file, no server; `khlang serve` runs worker threads.
# "redis": production; Redis at JOBS_REDIS_URL, jobs run by `khlang worker` processes (any machine).
# "immediate": every job runs at once in the caller, nothing queued (tests of other rooms, scripts).
JOBS_BACKEND = "sqlite"

# Name of the queue: the SQLite rows and Redis keys of this Khlang are namespaced by it, so several
# instances (or test runs) can share one Redis server.
JOBS_NAME = "khlang"

# File of the sqlite queue. None = jobs.sqlite3 in the instance folder.
JOBS_SQLITE_PATH = None

# Redis server of the redis backend (redis://[:password@]host:port/db).
JOBS_REDIS_URL = "redis://127.0.0.1:6379/0"

# Seconds an idle worker blocks on the Redis queue per look (also the longest wait of a graceful stop).
JOBS_REDIS_READ_TIMEOUT = 1.0

# Worker threads of `khlang worker` (its --workers default) and of the embedded consumer under serve.
JOBS_WORKERS = 2

# With the sqlite backend, run the embedded consumer threads inside `khlang serve`.
JOBS_EMBEDDED_CONSUMER = True

# Longest pause, in seconds, of an idle worker between two looks at the sqlite queue (Redis blocks instead).
JOBS_POLL_MAX_DELAY = 1.0
