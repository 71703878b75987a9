#!/usr/bin/env bash
# Update the English catalogue from the Thai strings in web/ (templates and code), then compile it.
# Translate the new empty msgstr entries in web/translations/en/LC_MESSAGES/messages.po and run it again.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/pybabel extract -F web/babel.cfg -k _l -k lazy_gettext -k N_ -o /tmp/khlang-messages.pot .
.venv/bin/pybabel update --no-fuzzy-matching --ignore-obsolete -w 110 -i /tmp/khlang-messages.pot -d web/translations
.venv/bin/pybabel compile -d web/translations
