#!/usr/bin/env bash
# The Debian packages the test suite uses, installed when missing:
#   postgresql-15      the second test run (tests/pg.py starts a throwaway cluster)
#   chromium           browser tests (Playwright drives Debian's Chromium; no browser download)
#   fonts-liberation2  Liberation Serif, metric-compatible with Times New Roman (documents)
#   libreoffice-writer-nogui  converts the report .docx to PDF (the one PDF path) and opens the
#                      generated documents in the tests
#   poppler-utils      pdftoppm/pdfinfo: the tests render and count the PDF's pages
# `system-deps.sh run` checks only what the running application needs (LibreOffice and the
# fonts, for PDF reports): `make run` calls it and carries on without PDF if it can't install.
# As root with apt-get they are installed; otherwise the script says what to install. With
# CI=true a missing package is an error, never a silent skip.
set -euo pipefail

PG_BINDIR=${PG_BINDIR:-/usr/lib/postgresql/15/bin}
mode=${1:-test}
missing=()
if [ "$mode" = test ]; then
  [ -x "$PG_BINDIR/initdb" ] && [ -x "$PG_BINDIR/pg_ctl" ] || missing+=(postgresql-15)
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
fi
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-writer-nogui)
compgen -G "/usr/share/fonts/truetype/liberation2/LiberationSerif-*.ttf" >/dev/null \
  || missing+=(fonts-liberation2)

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "==> Installing Debian packages the tests need: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi

if [ "$mode" = run ]; then
  echo "WARNING: PDF reports need: ${missing[*]} (sudo apt-get install ${missing[*]});" \
    "DOCX and XLSX reports work without them." >&2
  exit 0
fi
message="Missing for the tests: ${missing[*]}. Install them: sudo apt-get install ${missing[*]}"
if [ "${CI:-}" = true ]; then
  echo "ERROR: $message" >&2
  exit 1
fi
echo "WARNING: $message (the tests that need them will be skipped)" >&2
