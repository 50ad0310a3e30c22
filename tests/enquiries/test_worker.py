import os
import signal

import pytest
from django.core.management import call_command

calls = []


def counting_job():
    """A second background job: reports one item the first two times, then nothing."""
    calls.append("counting")
    return 1 if calls.count("counting") <= 2 else 0


def failing_job():
    calls.append("failing")
    raise RuntimeError("broken job")


def stopping_job():
    calls.append("stopping")
    os.kill(os.getpid(), signal.SIGTERM)
    return 0


@pytest.fixture
def restore_signals():
    saved = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGINT)}
    calls.clear()
    yield
    for signum, handler in saved.items():
        signal.signal(signum, handler)


@pytest.mark.django_db
def test_once_drains_every_job_and_a_failing_job_does_not_stop_the_others(
    settings, restore_signals
):
    settings.WORKER_JOBS = [
        "enquiries.outbox.deliver_due",
        "tests.enquiries.test_worker.failing_job",
        "tests.enquiries.test_worker.counting_job",
    ]
    call_command("run_worker", "--once", verbosity=0)
    assert calls.count("counting") == 3
    assert calls.count("failing") == 3


@pytest.mark.django_db
def test_loop_stops_cleanly_on_sigterm(settings, restore_signals, capsys):
    settings.WORKER_JOBS = ["tests.enquiries.test_worker.stopping_job"]
    call_command("run_worker", "--poll", "30")
    assert calls == ["stopping"]
    assert "Worker stopped" in capsys.readouterr().out
