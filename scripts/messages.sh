#!/usr/bin/env bash
# Regenerate the English catalogue and compile every catalogue under ocop/locale/.
#
# Both the .po files AND the compiled .mo files are committed: nothing compiles them at install or
# deploy time (`make run` does not), and Django only reads the .mo files. After changing any
# translatable string or translation, run `bash scripts/messages.sh`, fill in the new empty
# msgstr's in ocop/locale/en/LC_MESSAGES/django.po, run it again, and commit the .po and .mo
# files together. ocop/front/tests/test_i18n.py fails if an entry is untranslated or fuzzy, or
# if a committed .mo does not match its .po.
#
# The catalogues:
# - en: the source strings (msgids) are Vietnamese; the English is in msgstr. makemessages merges:
#   existing translations are kept, new strings are added with an empty msgstr, strings no longer
#   used are dropped (--no-obsolete). Changed strings may come back flagged fuzzy: check them and
#   remove the flag.
# - vi: hand-written Vietnamese for messages Django's own vi catalogue leaves untranslated. It is
#   never regenerated (makemessages would empty it), only compiled.
#
# Besides Django's usual keywords, `_l` (the project's alias for gettext_lazy next to gettext as
# `_`, e.g. in ocop/accounts/forms.py) is extracted; plain `manage.py makemessages` would miss
# those strings, so use this script rather than calling makemessages directly.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

command -v msgfmt >/dev/null || { echo "msgfmt is missing: install the 'gettext' package." >&2; exit 1; }

echo "Extracting messages into ocop/locale/en/LC_MESSAGES/django.po..."
DJANGO_SETTINGS_MODULE=ocop.settings $PY - <<'EOF'
import django

django.setup()

from django.core.management import call_command
from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_l"]


call_command(
    Command(),
    locale=["en"],
    ignore_patterns=[".venv", "scripts", "var", "node_modules"],
    no_obsolete=True,
    no_location=True,
    verbosity=0,
)
EOF

# msgfmt directly rather than `manage.py compilemessages`, which skips a .po whose .mo has a newer
# modification time (after a checkout or merge that says nothing about which is current).
status=0
for po in ocop/locale/*/LC_MESSAGES/*.po; do
  mo="${po%.po}.mo"
  echo "Compiling $po"
  msgfmt --check-format --check-domain -o "$mo" "$po" || status=1
done

en=ocop/locale/en/LC_MESSAGES/django.po
stats=$(LC_ALL=C msgfmt --statistics -o /dev/null "$en" 2>&1)  # "N translated messages, M fuzzy ..."
echo "English catalogue: $stats"
untranslated=$(grep -oE '[0-9]+ untranslated' <<<"$stats" | grep -oE '[0-9]+' || echo 0)
fuzzy=$(grep -oE '[0-9]+ fuzzy' <<<"$stats" | grep -oE '[0-9]+' || echo 0)
if [ "$untranslated" -gt 0 ] || [ "$fuzzy" -gt 0 ]; then
  echo "Translate them in $en, remove any '#, fuzzy' flags, then run this script again." >&2
fi
exit $status
