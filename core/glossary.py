"""The glossary (locale/glossary.toml): approved terms and register checks per language.

tests/portal/test_glossary.py runs these checks over every interface catalogue and over the
staff content shipped in fixtures/; scripts/glossary.py lists what fails for a translator and
writes docs/glossary.md. Nothing here runs on a request.
"""

import json
import re
import tomllib
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY_PATH = ROOT / "locale" / "glossary.toml"
DOCUMENT_PATH = ROOT / "docs" / "glossary.md"
# The staff content shipped in every language, and its translated fields.
CONTENT_FIXTURES = {
    "pages.json": ("title", "body"),
    "topics.json": ("name", "description"),
    "resource_links.json": ("title", "description"),
    # Generated from directory/data/vocabulary/ (build_fixtures): the reference data's names
    # follow the glossary too.
    "services.json": ("name", "description"),
    "divisions.json": ("name", "organisation"),
}

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w+\}")
MARKUP = re.compile(r"<[^>]+>")
# Word separators for forbidden_words: spaces and the punctuation of the site's scripts.
# Hyphens inside words are kept (Filipino ka- is a prefix, not the pronoun ka).
SEPARATORS = re.compile(r"[\s.,;:!?()\[\]{}“”\"'‘’«»「」『』（）、。！？…—–/|<>*#=]+")
# What may close a sentence after its last word: brackets, quotes, spaces.
CLOSERS = ' \u00a0」』）)"”’»'


@dataclass(frozen=True)
class Text:
    """One translated text and the English it translates, wherever it comes from."""

    language: str
    source: str  # "django.po" or "pages.json multicultural-japan body", for the failure message
    key: str  # the msgid, or "<fixture>:<slug or pk>:<field>"
    english: str  # what the concepts are looked for in (a plural entry: both English forms)
    translation: str
    original: str = ""  # what placeholders and markup must match, when not `english`

    @property
    def model(self):
        return self.original or self.english


@cache
def glossary():
    with GLOSSARY_PATH.open("rb") as file:
        return tomllib.load(file)


def languages():
    return list(glossary()["languages"])


def concepts_in(english):
    """The concepts whose English pattern the text uses (placeholders do not count)."""
    text = PLACEHOLDER.sub(" ", english)
    return [
        key
        for key, concept in glossary()["concepts"].items()
        if re.search(concept["english"], text, re.IGNORECASE)
    ]


def uses_term(language, concept, translation):
    forms = glossary()["languages"][language]["terms"][concept]["forms"]
    text = PLACEHOLDER.sub(" ", translation)
    return any(re.search(form, text, re.IGNORECASE) for form in forms)


def exceptions():
    """{(language, concept, key): reason} from the glossary's [[exceptions]]."""
    allowed = {}
    for exception in glossary().get("exceptions", ()):
        for language in exception["languages"]:
            allowed[(language, exception["concept"], exception["key"])] = exception["reason"]
    return allowed


def missing_terms(text):
    """The concepts the English uses whose approved term the translation lacks."""
    allowed = exceptions()
    return [
        concept
        for concept in concepts_in(text.english)
        if not uses_term(text.language, concept, text.translation)
        and (text.language, concept, text.key) not in allowed
    ]


def words(translation):
    return [word for word in SEPARATORS.split(translation.casefold()) if word]


def register_problems(language, translation):
    """What in the translation breaks the language's mechanically checkable register."""
    checks = glossary()["languages"][language].get("register_checks", {})
    text = PLACEHOLDER.sub(" ", MARKUP.sub(" ", translation))
    problems = [
        f"informal word “{word}”"
        for word in words(text)
        if word in {forbidden.casefold() for forbidden in checks.get("forbidden_words", ())}
    ]
    problems += [
        f"informal “{forbidden}”"
        for forbidden in checks.get("forbidden_text", ())
        if forbidden.casefold() in text.casefold()
    ]
    problems += [
        f"“{match.group()}” (pattern {pattern!r})"
        for pattern in checks.get("forbidden_patterns", ())
        for match in re.finditer(pattern, text)
    ]
    ending = checks.get("sentence_end")
    if ending:
        for sentence in text.split(ending["split"])[:-1]:
            sentence = sentence.rstrip(CLOSERS)
            if re.search(ending["flag"], sentence) and not re.search(ending["unless"], sentence):
                problems.append(f"plain sentence ending “…{sentence[-8:]}{ending['split']}”")
    return problems


def latin_leftovers(language, translation):
    """Latin-script words in a non-Latin-script translation that are not kept names or codes."""
    latin = glossary()["latin"]
    if language not in latin["languages"]:
        return []
    text = PLACEHOLDER.sub(" ", MARKUP.sub(" ", translation))
    for phrase in sorted(latin["kept"], key=len, reverse=True):
        text = re.sub(rf"(?<![A-Za-z]){re.escape(phrase)}(?![A-Za-z])", " ", text)
    return re.findall(r"[A-Za-z][A-Za-z'’-]*", text)


def markup_problems(english, translation):
    """Placeholders and HTML tags must come through unchanged, as many times as in English."""
    problems = []
    if Counter(PLACEHOLDER.findall(translation)) != Counter(PLACEHOLDER.findall(english)):
        problems.append("placeholders differ")
    if Counter(MARKUP.findall(translation)) != Counter(MARKUP.findall(english)):
        problems.append("HTML differs")
    return problems


def catalogue_path(language):
    from django.utils.translation import to_locale

    return ROOT / "locale" / to_locale(language) / "LC_MESSAGES" / "django.po"


def catalogue_texts(language):
    """Every translated entry of the language's catalogue; each plural form on its own, with
    the English it must match (the singular msgid and the plural together)."""
    import polib

    for entry in polib.pofile(str(catalogue_path(language))).translated_entries():
        if entry.msgid_plural:
            english = f"{entry.msgid}\n{entry.msgid_plural}"
            for index in sorted(entry.msgstr_plural):
                form = entry.msgstr_plural[index]
                yield Text(language, "django.po", entry.msgid, english, form, entry.msgid_plural)
        else:
            yield Text(language, "django.po", entry.msgid, entry.msgid, entry.msgstr)


def fixture_texts(language):
    """The language's text of every shipped page, topic and resource link field."""
    from modeltranslation.utils import build_localized_fieldname

    for name, fields in CONTENT_FIXTURES.items():
        for row in json.loads((ROOT / "fixtures" / name).read_text(encoding="utf-8")):
            identity = row["fields"].get("slug", row["pk"])
            for field in fields:
                english = row["fields"].get(build_localized_fieldname(field, "en")) or ""
                translation = row["fields"].get(build_localized_fieldname(field, language)) or ""
                if english and translation:
                    yield Text(
                        language,
                        f"{name} {identity} {field}",
                        f"{name}:{identity}:{field}",
                        english,
                        translation,
                    )


# --- docs/glossary.md ------------------------------------------------------------------------


def _shorten(text, width=72):
    return text if len(text) <= width else text[:width] + "…"


def _cell(text):
    return text.replace("|", "\\|").replace("<", "&lt;").replace("\n", " ")


def markdown():
    """docs/glossary.md, written from the glossary."""
    data = glossary()
    concepts = data["concepts"]
    lines = [
        "# Glossary: approved terms and register per language",
        "",
        "Written by `scripts/glossary.py` from `locale/glossary.toml`; edit that file and run",
        "`.venv/bin/python scripts/glossary.py --write`. `tests/portal/test_glossary.py` checks",
        "every catalogue and the shipped pages, topics and resource links against it, and that",
        "this page is up to date. What was reviewed, and by whom, is in docs/i18n.md.",
        "",
        "Where the English uses a concept (the pattern in the table below, case-insensitive,",
        "placeholders left out), the translation must use the approved term or one of its",
        "accepted forms.",
        "",
        "| Concept | English pattern | Note |",
        "| --- | --- | --- |",
    ]
    lines += [
        f"| {_cell(concept['label'])} | `{_cell(concept['english'])}` | {_cell(concept['note'])} |"
        for concept in concepts.values()
    ]
    lines += ["", "## Terms", ""]
    header = ["Language"] + [concept["label"].split(" (")[0] for concept in concepts.values()]
    lines += ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for code, language in data["languages"].items():
        cells = [f"{language['name']} (`{code}`)"]
        cells += [_cell(language["terms"][key]["term"]) for key in concepts]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "## Register and choices, per language", ""]
    for code, language in data["languages"].items():
        lines += [f"### {language['name']} (`{code}`)", ""]
        lines += [f"- **Register**: {language['register']}", f"- **Choices**: {language['note']}"]
        checks = language.get("register_checks", {})
        if checks:
            described = []
            if checks.get("forbidden_words"):
                described.append("no " + ", ".join(checks["forbidden_words"]) + " (as words)")
            if checks.get("forbidden_text"):
                described.append("no " + ", ".join(checks["forbidden_text"]))
            if checks.get("forbidden_patterns"):
                patterns = "`, `".join(checks["forbidden_patterns"])
                described.append(f"nothing matching `{patterns}`")
            if checks.get("sentence_end"):
                ending = checks["sentence_end"]
                described.append(
                    f"a sentence before “{ending['split']}” that ends in `{ending['flag']}` "
                    f"must end in `{ending['unless']}`"
                )
            lines.append("- **Checked by the test**: " + "; ".join(described) + ".")
        forms = [
            f"{concepts[key]['label'].split(' (')[0]}: `{'`, `'.join(term['forms'])}`"
            for key, term in language["terms"].items()
            if term["forms"] != [re.escape(term["term"])] and term["forms"] != [term["term"]]
        ]
        if forms:
            lines.append("- **Accepted forms** (regular expressions): " + "; ".join(forms) + ".")
        lines.append("")
    latin = data["latin"]
    lines += [
        "## Kept in Latin letters",
        "",
        "In " + ", ".join(f"`{code}`" for code in latin["languages"]) + " the test allows only",
        "these Latin-script words and names (anything else is English left untranslated): "
        + ", ".join(f"`{phrase}`" for phrase in latin["kept"])
        + ".",
        "",
        "## Exceptions",
        "",
    ]
    rows = data.get("exceptions", ())
    if not rows:
        lines.append("None.")
    else:
        lines += ["| Languages | Concept | Text | Why |", "| --- | --- | --- | --- |"]
        lines += [
            f"| {', '.join(row['languages'])} | {concepts[row['concept']]['label']} | "
            f"{_cell(_shorten(row['key']))} | {_cell(row['reason'])} |"
            for row in rows
        ]
    return "\n".join(lines) + "\n"
