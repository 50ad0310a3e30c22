"""Every catalogue and the shipped content against the glossary (locale/glossary.toml).

Where the English uses a glossary concept (International Association, enquiry, prefecture…)
the translation must use that language's approved term; each language keeps its register
where a machine can tell (no informal pronouns, no plain sentence endings); placeholders and
HTML come through unchanged; no English is left in a language written in another script.
Completeness and fuzzy entries are test_i18n.py's.
"""

import pytest

from core import glossary
from core.languages import SITE_LANGUAGES

LANGUAGES = [language.code for language in SITE_LANGUAGES if language.code != "en"]


def texts(language):
    return [*glossary.catalogue_texts(language), *glossary.fixture_texts(language)]


def report(failures):
    return "\n\n".join(
        f"[{text.language}] {text.source} — {problem}\n"
        f"  msgid: {text.key!r}\n  msgstr: {text.translation!r}"
        for text, problem in failures
    )


def test_the_glossary_covers_every_language_and_concept():
    data = glossary.glossary()
    assert sorted(data["languages"]) == sorted(LANGUAGES)
    for code, language in data["languages"].items():
        assert sorted(language["terms"]) == sorted(data["concepts"]), code
        assert language["register"] and language["note"], code
        for concept, term in language["terms"].items():
            # The approved term is itself an accepted form.
            assert glossary.uses_term(code, concept, term["term"]), (code, concept)
    assert set(data["latin"]["languages"]) <= set(LANGUAGES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_use_the_approved_terms(language):
    failures = [
        (
            text,
            f"“{glossary.glossary()['concepts'][concept]['label']}” should be "
            f"“{glossary.glossary()['languages'][language]['terms'][concept]['term']}”",
        )
        for text in texts(language)
        for concept in glossary.missing_terms(text)
    ]
    assert not failures, f"{len(failures)} texts without the approved term:\n\n" + report(failures)


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_register(language):
    failures = [
        (text, problem)
        for text in texts(language)
        for problem in glossary.register_problems(language, text.translation)
    ]
    assert not failures, f"{len(failures)} texts out of register:\n\n" + report(failures)


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_placeholders_and_markup(language):
    failures = [
        (text, problem)
        for text in glossary.catalogue_texts(language)
        for problem in glossary.markup_problems(text.model, text.translation)
    ]
    assert not failures, report(failures)


@pytest.mark.parametrize("language", glossary.glossary()["latin"]["languages"])
def test_no_english_left_in_other_scripts(language):
    failures = [
        (text, "Latin-script words " + ", ".join(leftovers))
        for text in glossary.catalogue_texts(language)
        if (leftovers := glossary.latin_leftovers(language, text.translation))
    ]
    assert not failures, report(failures)


def test_every_exception_is_still_needed():
    """An exception whose text now uses the term (or no longer exists) must go."""
    found = {
        (text.language, concept, text.key)
        for language in LANGUAGES
        for text in texts(language)
        for concept in glossary.concepts_in(text.english)
        if not glossary.uses_term(language, concept, text.translation)
    }
    stale = sorted(set(glossary.exceptions()) - found)
    assert not stale, stale


def test_the_document_is_up_to_date():
    assert glossary.DOCUMENT_PATH.read_text(encoding="utf-8") == glossary.markdown(), (
        "run .venv/bin/python scripts/glossary.py --write"
    )


# --- The checker itself ------------------------------------------------------------------


def test_placeholders_are_not_english_words():
    assert glossary.concepts_in("The association of %(prefecture)s") == ["association"]
    assert "prefecture" in glossary.concepts_in("All prefectures")
    assert "prefecture" in glossary.concepts_in("A prefectural association has no city")
    assert glossary.concepts_in("Find an International Association") == [
        "international_association"
    ]


def test_filipino_informal_pronouns_are_words_not_syllables():
    assert glossary.register_problems("fil", "Maaari mong balewalain ito.") == [
        "informal word “mong”"
    ]
    assert glossary.register_problems("fil", "Salamat sa iyo.") == ["informal word “iyo”"]
    # "mo" inside words, and the polite forms, pass.
    assert glossary.register_problems("fil", "Pakibanggit po ang inyong numero; komunidad.") == []
    assert glossary.register_problems("fil", "Mo, ka") == [
        "informal word “mo”",
        "informal word “ka”",
    ]


def test_japanese_plain_endings_are_found():
    assert glossary.register_problems("ja", "探す。") == ["plain sentence ending “…探す。”"]
    assert glossary.register_problems("ja", "多い。") == ["plain sentence ending “…多い。”"]
    # A help text may end in a noun or a particle (体言止め).
    assert glossary.register_problems("ja", "協会を探します。市のみ。お問い合わせ。") == []
    assert glossary.register_problems("ja", "ご確認ください（任意）。") == []
    assert glossary.register_problems("ko", "확인하세요. 확인하십시오.") == [
        "plain sentence ending “…확인하세요.”"
    ]
