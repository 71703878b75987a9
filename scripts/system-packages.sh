#!/usr/bin/env bash
# Debian packages Khlang's tests and documents need, installed only when missing:
#   chromium      real headless browser for the page tests
#   poppler-utils pdftotext / pdftoppm / pdffonts to check rendered PDFs
#   fonts-thai-tlwg Laksaman and friends: the Thai fallback fonts for print
#   libreoffice-writer-nogui  renders the editable DOCX to check it (tests skip nothing: CI installs it)
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
fc-list 2>/dev/null | grep -i laksaman >/dev/null || need+=(fonts-thai-tlwg)  # not -q: under pipefail an early exit of grep fails fc-list
if [ "${KHLANG_NEED_SOFFICE:-1}" = 1 ]; then command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui libreoffice-math-nogui); fi
if [ ${#need[@]} -gt 0 ]; then
  echo "installing system packages: ${need[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
