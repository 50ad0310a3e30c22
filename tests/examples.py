"""How many examples a Hypothesis test generates: its own figure, times HYPOTHESIS_SCALE.

The figures in the tests are what `make test` and CI's PostgreSQL + Redis pass (the
production stack) generate. CI's SQLite pass sets HYPOTHESIS_SCALE=0.25 (.ci/run): the
request layer and the forms are the same code on both databases, and every run draws new
examples (no example database is kept), so a quarter there keeps CI within its time without
generating fewer examples where production runs.
"""

import os


def examples(count):
    scale = float(os.environ.get("HYPOTHESIS_SCALE", "1"))
    return max(10, round(count * scale))
