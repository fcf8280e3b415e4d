#!/usr/bin/env bash
# System packages the application needs beyond Python, installed with apt when missing:
#   - libreoffice-writer-nogui: LibreOffice headless, which converts the official documents
#     (.docx, ocop/documents/) to PDF;
#   - libreoffice-calc-nogui: its spreadsheet part, with which the tests print the .xlsx exports
#     to PDF (ocop/lib/tests/test_export_pdf.py);
#   - fonts-liberation2: Liberation Serif, metric-identical to Times New Roman (the font that
#     NĐ 30/2020 requires and the documents name), so the PDF keeps Word's line breaks.
# Does nothing when both are present. Needs root to install; otherwise prints what to install and
# returns 0 (the application runs without them; only the PDF output is unavailable).
# Called by `make run` and by scripts/test.sh (`make test`).
set -uo pipefail

missing=()
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-writer-nogui)
[ -e /usr/lib/libreoffice/program/libsclo.so ] || missing+=(libreoffice-calc-nogui)
# Liberation Serif 2.x (fonts-liberation2): the older fonts-liberation 1.x also names itself
# "Liberation Serif" but lacks most Vietnamese letters (pdftotext then loses the text).
if ! fc-list 2>/dev/null | grep -i "Liberation Serif" | grep -qi "liberation2"; then
  missing+=(fonts-liberation2)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing ${missing[*]} (apt) for the PDF output of official documents..."
  if (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}") >/dev/null; then
    exit 0
  fi
  echo "Could not install ${missing[*]} with apt." >&2
  exit 1
fi
echo "Hint: PDF output of official documents needs: ${missing[*]}" >&2
echo "      install as root: apt-get install -y --no-install-recommends ${missing[*]}" >&2
exit 0
