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

# The lowest IOC (index of item–objective congruence) with which an item may be approved.
IOC_THRESHOLD = 0.5

# Largest upload accepted by any form, in bytes (imports have their own stricter limits).
MAX_CONTENT_LENGTH = 32 * 1024 * 1024

# Name of the service area office shown in page headers and documents.
DISTRICT_NAME = "สำนักงานเขตพื้นที่การศึกษาประถมศึกษา"

# Until sign-in arrives (web issue), the read-only pages act as this role ("" switches them off).
BROWSE_AS_ROLE = "officer"
