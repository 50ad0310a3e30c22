"""One JSON object per log line, for the log collector of a multi-node deployment."""

import json
import logging
from datetime import UTC, datetime

from core import client_address

# Attributes every LogRecord has; anything else was passed with `extra=` and is kept.
STANDARD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "request",
}
# gunicorn's access log passes these atoms as the record's arguments.
ACCESS_FIELDS = {"m": "method", "U": "path", "q": "query", "s": "status", "B": "bytes"}


class JsonFormatter(logging.Formatter):
    def format(self, record):
        event = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
        }
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            atoms = record.args
            event["message"] = "request"
            event.update({name: atoms.get(atom) for atom, name in ACCESS_FIELDS.items()})
            event["status"] = int(event["status"]) if str(event["status"]).isdigit() else None
            event["duration_ms"] = round(int(atoms.get("D", 0)) / 1000, 2)
            # The same address the rate limits and lockouts use: a client's own
            # X-Forwarded-For is not believed here either.
            event["remote"] = client_address.derive(
                str(atoms.get("h") or ""),
                str(atoms.get("{x-forwarded-for}i") or ""),
                client_address.trusted_networks(),
            )
        else:
            event["message"] = record.getMessage()
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "method"):
            event["method"] = request.method
            event["path"] = request.path
            if hasattr(request, "META"):
                event["remote"] = client_address.client_address(request)
        for name, value in vars(record).items():
            if name not in STANDARD_ATTRIBUTES and name not in event:
                event[name] = value if isinstance(value, int | float | bool | None) else str(value)
        if record.exc_info:
            event["exception"] = self.formatException(record.exc_info)
        return json.dumps(event, ensure_ascii=False)
