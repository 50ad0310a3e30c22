#!/usr/bin/env python
"""Check the catalogues and shipped content against locale/glossary.toml; write its document.

    .venv/bin/python scripts/glossary.py            # counts of problems per language
    .venv/bin/python scripts/glossary.py -v fil ko  # and each problem, for these languages
    .venv/bin/python scripts/glossary.py --write    # write docs/glossary.md from the glossary

tests/portal/test_glossary.py runs the same checks. Exits 1 while anything fails.
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def problems(language):
    from core import glossary

    concepts = glossary.glossary()["concepts"]
    terms = glossary.glossary()["languages"][language]["terms"]
    texts = [*glossary.catalogue_texts(language), *glossary.fixture_texts(language)]
    for text in texts:
        for concept in glossary.missing_terms(text):
            label = concepts[concept]["label"]
            yield text, f"“{label}” should be “{terms[concept]['term']}”"
        for problem in glossary.register_problems(language, text.translation):
            yield text, problem
    for text in glossary.catalogue_texts(language):
        if leftovers := glossary.latin_leftovers(language, text.translation):
            yield text, "Latin-script words " + ", ".join(leftovers)
        for problem in glossary.markup_problems(text.model, text.translation):
            yield text, problem


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("languages", nargs="*", help="Django language codes (default: all)")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every problem")
    parser.add_argument("--write", action="store_true", help="write docs/glossary.md")
    options = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("PORTAL_ENV", "development")
    import django

    django.setup()
    from core import glossary

    if options.write:
        glossary.DOCUMENT_PATH.write_text(glossary.markdown(), encoding="utf-8")
        print(f"wrote {glossary.DOCUMENT_PATH.relative_to(ROOT)}")
        return 0
    failed = False
    for language in options.languages or glossary.languages():
        found = list(problems(language))
        failed = failed or bool(found)
        print(f"{language}: {len(found)}")
        if options.verbose:
            for text, problem in found:
                print(f"  {text.source} — {problem}\n    {text.key!r}")
                print(f"    {text.translation[:300]!r}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
