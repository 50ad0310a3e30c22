import json
import logging
import sys

from core.log import JsonFormatter


def record(name="portal", message="hello %s", args=("world",), **extra):
    entry = logging.LogRecord(name, logging.WARNING, __file__, 1, message, args, None)
    entry.__dict__.update(extra)
    return entry


def test_one_json_object_on_one_line():
    line = JsonFormatter().format(record(visitor_count=3))
    assert "\n" not in line
    event = json.loads(line)
    assert event["level"] == "WARNING"
    assert event["logger"] == "portal"
    assert event["message"] == "hello world"
    assert event["visitor_count"] == 3
    assert event["time"].endswith("+00:00")


def test_an_exception_stays_on_the_same_line():
    try:
        raise ValueError("bad\nvalue")
    except ValueError:
        entry = record(message="failed", args=None)
        entry.exc_info = sys.exc_info()
    line = JsonFormatter().format(entry)
    assert "\n" not in line
    assert "ValueError: bad\nvalue" in json.loads(line)["exception"]


def test_django_request_records_carry_method_and_path(rf):
    request = rf.get("/en/associations/?q=x")
    event = json.loads(JsonFormatter().format(record(request=request, status_code=404)))
    assert event["method"] == "GET"
    assert event["path"] == "/en/associations/"
    assert event["status_code"] == 404


def test_gunicorn_access_lines_become_fields():
    atoms = {"m": "GET", "U": "/en/", "q": "", "s": "200", "B": "1234", "D": "2500", "h": "1.2.3.4"}
    entry = record(name="gunicorn.access", message="%(h)s", args=(atoms,))
    event = json.loads(JsonFormatter().format(entry))
    assert event["method"] == "GET" and event["path"] == "/en/"
    assert event["status"] == 200
    assert event["duration_ms"] == 2.5
