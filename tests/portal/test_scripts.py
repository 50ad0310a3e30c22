"""`make bench` and `make audit` need servers CI does not start for them, so CI does not run
them; it checks at least that they and their helpers still import and have their entry points
(audit.py once imported a name bench.py had renamed)."""

import importlib

import pytest


@pytest.mark.parametrize(
    ("module", "entry_point"),
    [
        ("scripts.bench", "main"),
        ("scripts.bench_enquiries", "main"),
        ("scripts.bench_cookies", "main"),
        ("scripts.audit", "main"),
        ("scripts.services", "gunicorn"),
    ],
)
def test_the_measuring_scripts_import(module, entry_point):
    assert callable(getattr(importlib.import_module(module), entry_point))
