"""The translated vocabularies, shipped as data: data/vocabulary/*.toml (data/README.md).

`build_fixtures` reads them through this module, which checks them first and names the file
and the item at fault: reference data is never to fall back on another language, so each of
its translated names must be given in every site language.
"""

import tomllib
from pathlib import Path

from django.conf import settings

VOCABULARY_DIR = Path(__file__).resolve().parent / "data" / "vocabulary"
REGIONS_FILE = VOCABULARY_DIR / "regions.toml"
SERVICES_FILE = VOCABULARY_DIR / "services.toml"
LANGUAGES_FILE = VOCABULARY_DIR / "consultation_languages.toml"
PREFECTURE_NAMES_FILE = VOCABULARY_DIR / "prefecture_names.toml"
DIVISION_FILE = VOCABULARY_DIR / "division.toml"
PREFECTURE_CODES = [f"{number:02d}" for number in range(1, 48)]  # JIS X 0401


class VocabularyError(ValueError):
    pass


def read(path):
    try:
        with open(path, "rb") as data:
            return tomllib.load(data)
    except tomllib.TOMLDecodeError as error:
        raise VocabularyError(f"{path}: {error}") from error


def site_languages():
    return [code for code, _name in settings.LANGUAGES]


def check_languages(path, item, field, values, every_language=True):
    """`values` is keyed by site languages only and, if `every_language`, fills all of them."""
    if not isinstance(values, dict):
        raise VocabularyError(f"{path}: {item}: `{field}` must be a table of languages")
    unknown = [code for code in values if code not in site_languages()]
    if unknown:
        raise VocabularyError(f"{path}: {item}: {field} in unknown languages {unknown}")
    missing = [code for code in site_languages() if not str(values.get(code, "")).strip()]
    if every_language and missing:
        raise VocabularyError(f"{path}: {item}: {field} missing in {', '.join(missing)}")


def items(path, table, key, translated, required=()):
    """The file's [[table]] entries in order, each with a unique `key` and the `required`
    keys, and with each `translated` field in every site language."""
    entries = read(path).get(table, [])
    if not entries:
        raise VocabularyError(f"{path}: no [[{table}]]")
    seen = set()
    for number, entry in enumerate(entries, 1):
        if not entry.get(key):
            raise VocabularyError(f"{path}: [[{table}]] number {number} has no `{key}`")
        item = f"{table} {entry[key]!r}"
        if entry[key] in seen:
            raise VocabularyError(f"{path}: {item} appears twice")
        seen.add(entry[key])
        for field in required:
            if not entry.get(field):
                raise VocabularyError(f"{path}: {item} has no `{field}`")
        for field in translated:
            check_languages(path, item, field, entry.get(field, {}))
    return entries


def regions(path=REGIONS_FILE):
    return items(path, "region", "slug", ("name",))


def prefectures_without_association(path=REGIONS_FILE):
    """{prefecture code: region slug} for the prefectures associations.csv cannot place."""
    slugs = {region["slug"] for region in regions(path)}
    placed = read(path).get("prefectures_without_association", {})
    for code, slug in placed.items():
        if code not in PREFECTURE_CODES or slug not in slugs:
            raise VocabularyError(f"{path}: prefecture {code!r} placed in {slug!r}: no such one")
    return placed


def services(path=SERVICES_FILE):
    return items(path, "service", "slug", ("name", "description"))


def consultation_languages(path=LANGUAGES_FILE):
    return items(path, "language", "code", ("name",), required=("native_name",))


def prefecture_names(path=PREFECTURE_NAMES_FILE):
    """{"romaji": [language, …], "prefecture": [{"code", "name", "correction"?}, …]}, the
    prefectures in JIS order and every one named in the same languages."""
    data = read(path)
    unknown = [code for code in data.get("romaji", []) if code not in site_languages()]
    if unknown:
        raise VocabularyError(f"{path}: romaji: unknown languages {unknown}")
    prefectures = data.get("prefecture", [])
    codes = [prefecture.get("code") for prefecture in prefectures]
    if codes != PREFECTURE_CODES:
        raise VocabularyError(f"{path}: the prefectures must be 01 to 47 in order, not {codes}")
    languages = list(prefectures[0].get("name", {}))
    for prefecture in prefectures:
        item = f"prefecture {prefecture['code']!r}"
        names = prefecture.get("name", {})
        check_languages(path, item, "name", names, every_language=False)
        if list(names) != languages:
            raise VocabularyError(
                f"{path}: {item}: name in {list(names)}; every prefecture in {languages}"
            )
        check_languages(path, item, "correction", prefecture.get("correction", {}), False)
    return data


def division(path=DIVISION_FILE):
    data = read(path).get("division")
    if not data:
        raise VocabularyError(f"{path}: no [division]")
    for field in ("name", "organisation"):
        check_languages(path, "division", field, data.get(field, {}))
    return data
