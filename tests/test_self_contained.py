"""The repository owns its data: nothing the product, the tests, the Makefile or CI run reads
the researchers' folder beside the checkout, so a fresh clone alone passes `make test`."""

import subprocess
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
# Spelt in pieces, so that this file does not match itself.
OUTSIDE = ("/".join(("..", "shared")), "/".join(("shared", "data", "")))
SUFFIXES = {".py", ".sh", ".toml", ".cfg", ".ini", ".yml", ".yaml", ".json", ".html", ".conf"}
NAMES = {"Makefile", "run", "Dockerfile"}


def tracked_files():
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=BASE_DIR, capture_output=True, check=True, text=True
    ).stdout
    return [BASE_DIR / name for name in listed.split("\0") if name]


def code_and_configuration():
    for path in tracked_files():
        if path.suffix in SUFFIXES or path.name in NAMES:
            yield path


def test_nothing_reads_the_folder_outside_the_repository():
    checked = 0
    found = []
    for path in code_and_configuration():
        checked += 1
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if any(needle in line for needle in OUTSIDE):
                found.append(f"{path.relative_to(BASE_DIR)}:{number}: {line.strip()}")
    assert checked > 200, "the walk must see the repository's code"
    assert BASE_DIR / "Makefile" in set(code_and_configuration())
    assert BASE_DIR / ".ci" / "run" in set(code_and_configuration())
    assert found == []


def test_the_data_the_product_reads_is_in_the_repository():
    tracked = {path.relative_to(BASE_DIR).as_posix() for path in tracked_files()}
    for name in (
        "associations.csv",
        "services.csv",
        "consultation_languages.csv",
        "contacts.csv",
        "help_lines.toml",
        "README.md",
    ):
        assert f"directory/data/{name}" in tracked
