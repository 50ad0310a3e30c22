"""Signed "check your answers" payloads for `make bench`'s enquiry_send scenario.

    python scripts/bench_enquiries.py COUNT > answers.txt

Run with the benchmark's environment (the same SECRET_KEY and database as its gunicorn).
Each line is the `answers` field of one distinct enquiry, made as the form's first step
makes it: a form token from issue_form_token(), held for the form's minimum fill time
(ENQUIRY_MIN_FILL_SECONDS) as a person would, validated by EnquiryForm and signed by
sign_answers(). Every payload has its own token (so its own submission key) and address:
replaying one would only redirect to the enquiry it already made.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

MESSAGES = [
    "I moved to this city last month. Where can I find Japanese classes for adults?",
    "Xin chào. Tôi muốn hỏi về tư vấn miễn phí cho người nước ngoài.",
    "日本語教室の情報を教えてください。平日の夜に通えるところを探しています。",
    "Necesito ayuda con los trámites de la escuela de mi hijo.",
]


def payloads(count):
    from django.conf import settings

    from directory.models import Association
    from enquiries.forms import EnquiryForm, issue_form_token, sign_answers
    from enquiries.models import Topic

    topics = [str(pk) for pk in Topic.objects.active().values_list("pk", flat=True)]
    associations = list(
        Association.objects.published().order_by("pk").values_list("slug", flat=True)[:20]
    )
    if not topics:
        raise SystemExit("No active enquiry topic: load_initial_data first.")
    tokens = [issue_form_token() for _ in range(count)]
    # The form refuses (as spam) an answer sent faster than a person could fill it in.
    time.sleep(settings.ENQUIRY_MIN_FILL_SECONDS + 0.5)
    for number, token in enumerate(tokens):
        data = {
            "form_token": token,
            "topic": topics[number % len(topics)],
            "message": f"{MESSAGES[number % len(MESSAGES)]} (benchmark {number})",
            "name": f"Bench Visitor {number}",
            "email": f"bench-{number}@example.org",
            "phone": "" if number % 2 else "090-1234-5678",
            "reply_language": ("en", "vi", "ja", "es")[number % 4],
            "prefecture": f"{number % 47 + 1:02d}" if number % 3 else "",
            "privacy_notice": "on",
        }
        if number % 2 and associations:
            data["association"] = associations[number % len(associations)]
            data["forwarding_consent"] = "on"
        form = EnquiryForm(data)
        if not form.is_valid():
            raise SystemExit(f"Payload {number} is invalid: {form.errors.as_json()}")
        if form.spam_reason:
            raise SystemExit(f"Payload {number} would be stored as spam: {form.spam_reason}")
        yield sign_answers(form.as_payload())


def main():
    count = int(sys.argv[1])
    django.setup()
    for line in payloads(count):
        sys.stdout.write(line + "\n")


if __name__ == "__main__":
    main()
