"""The vocabulary files are checked as they are read, and an error names the file and the item."""

import re

import pytest

from directory import vocabulary


def edited_copy(tmp_path, shipped, old, new):
    """The shipped file with the first `old` (a regular expression) replaced by `new`."""
    text, replaced = re.subn(old, new, shipped.read_text(), count=1, flags=re.MULTILINE)
    assert replaced == 1
    copy = tmp_path / shipped.name
    copy.write_text(text)
    return copy


def test_the_shipped_files_read_in_their_order():
    assert [region["slug"] for region in vocabulary.regions()][:2] == ["hokkaido-tohoku", "kanto"]
    assert vocabulary.prefectures_without_association() == {"29": "kinki"}
    assert vocabulary.services()[0]["slug"] == "consultation"
    codes = [language["code"] for language in vocabulary.consultation_languages()]
    assert codes[:3] == ["ja", "en", "zh"] and len(codes) == len(set(codes)) == 24
    prefecture_names = vocabulary.prefecture_names()
    assert prefecture_names["prefecture"][26]["correction"] == {"zh-hans": "大阪", "pt-br": "Osaka"}
    assert vocabulary.division()["name"]["en"] == "Multiculture Division"


def test_a_missing_language_names_the_file_the_item_and_the_language(tmp_path):
    path = edited_copy(tmp_path, vocabulary.SERVICES_FILE, r"^ne = .*\n", "")
    with pytest.raises(vocabulary.VocabularyError) as error:
        vocabulary.services(path)
    assert str(error.value) == f"{path}: service 'consultation': name missing in ne"


# (file, a line as a regular expression, what replaces it, reader, the error's words)
FAULTS = {
    "a blank name is a missing one": (
        vocabulary.DIVISION_FILE, r'^ur = ".*"$', 'ur = " "', vocabulary.division,
        "division: name missing in ur",
    ),
    "an unknown language": (
        vocabulary.REGIONS_FILE, r"^ja-easy = ", "ja_easy = ", vocabulary.regions,
        "region 'hokkaido-tohoku': name in unknown languages ['ja_easy']",
    ),
    "a code given twice": (
        vocabulary.LANGUAGES_FILE, r'^code = "en"', 'code = "ja"',
        vocabulary.consultation_languages, "language 'ja' appears twice",
    ),
    "a prefecture without a language the others have": (
        vocabulary.PREFECTURE_NAMES_FILE, r'^(code = "02".*\n\n.*\n)ne = .*\n', r"\1",
        vocabulary.prefecture_names, "prefecture '02': name in ['my',",
    ),
    "the prefectures out of JIS order": (
        vocabulary.PREFECTURE_NAMES_FILE, r'^code = "02"', 'code = "03"',
        vocabulary.prefecture_names, "the prefectures must be 01 to 47 in order",
    ),
    "a prefecture placed in an unknown region": (
        vocabulary.REGIONS_FILE, r'^"29" = "kinki"', '"29" = "kansai"',
        vocabulary.prefectures_without_association, "prefecture '29' placed in 'kansai'",
    ),
}  # fmt: skip


@pytest.mark.parametrize("fault", FAULTS.values(), ids=FAULTS.keys())
def test_a_faulty_file_is_refused_with_its_name(tmp_path, fault):
    shipped, old, new, reader, words = fault
    path = edited_copy(tmp_path, shipped, old, new)
    with pytest.raises(vocabulary.VocabularyError) as error:
        reader(path)
    assert str(error.value).startswith(f"{path}: ")
    assert words in str(error.value)


def test_a_broken_file_names_itself(tmp_path):
    path = tmp_path / "services.toml"
    path.write_text('[[service]]\nslug = "consultation\n')
    with pytest.raises(vocabulary.VocabularyError, match=re.escape(str(path))):
        vocabulary.services(path)
