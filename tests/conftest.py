import pytest
from django.core.management import call_command


@pytest.fixture
def real_data(db):
    """The real reference data: 6 regions, 47 prefectures and the 63 associations."""
    call_command("load_initial_data", verbosity=0)
