#!/usr/bin/env python
"""List the untranslated and fuzzy entries of every interface catalogue.

    .venv/bin/python scripts/untranslated.py            # counts per locale
    .venv/bin/python scripts/untranslated.py -v         # and each missing msgid
    .venv/bin/python scripts/untranslated.py --extract  # run makemessages first
    .venv/bin/python scripts/untranslated.py -v ne si   # only these locales

English is the source language (its msgids are the text), so its catalogue is not checked.
Exits 1 while anything is missing, so a translation pass knows when it is done.
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
SOURCE_LOCALE = "en"


def site_locales():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("PORTAL_ENV", "development")
    from django.utils.translation import to_locale

    from core.languages import SITE_LANGUAGES

    return [to_locale(language.code) for language in SITE_LANGUAGES]


def extract(locales):
    command = [sys.executable, "manage.py", "makemessages", "--ignore", ".venv"]
    # No source locations and no wrapping: entries then change only when their text does, so
    # branches that add strings merge without conflicts over line numbers.
    command += ["--ignore", "node_modules", "--no-location", "--no-wrap", "-v", "0"]
    for locale in locales:
        command += ["-l", locale]
    subprocess.run(command, cwd=ROOT, check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("locales", nargs="*", help="gettext locale names, e.g. ja_Easy pt_BR")
    parser.add_argument("-v", "--verbose", action="store_true", help="print each msgid")
    parser.add_argument("--extract", action="store_true", help="run makemessages first")
    options = parser.parse_args()

    locales = options.locales or site_locales()
    if options.extract:
        extract(locales)
    missing_total = 0
    for locale in locales:
        if locale == SOURCE_LOCALE:
            continue
        path = ROOT / "locale" / locale / "LC_MESSAGES" / "django.po"
        if not path.exists():
            print(f"{locale:8} no catalogue: run with --extract")
            missing_total += 1
            continue
        catalogue = polib.pofile(str(path))
        untranslated = catalogue.untranslated_entries()
        fuzzy = catalogue.fuzzy_entries()
        missing_total += len(untranslated) + len(fuzzy)
        print(
            f"{locale:8} {len(catalogue):4} msgids  {len(untranslated):3} untranslated  "
            f"{len(fuzzy):3} fuzzy"
        )
        if options.verbose:
            for entry in untranslated:
                print(f"    untranslated  {entry.msgid!r}  ({entry.occurrences[0][0]})")
            for entry in fuzzy:
                print(f"    fuzzy         {entry.msgid!r}")
    return 1 if missing_total else 0


if __name__ == "__main__":
    sys.exit(main())
