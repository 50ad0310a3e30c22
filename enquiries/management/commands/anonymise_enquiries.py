from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from enquiries.models import Enquiry


class Command(BaseCommand):
    help = (
        "Remove the name, contact details, message, staff notes and e-mail recipients of "
        "enquiries closed (or marked spam) longer ago than ENQUIRY_RETENTION_DAYS, and of any "
        "other enquiry whose status has not changed for ENQUIRY_OPEN_RETENTION_DAYS, keeping "
        "topic, language, prefecture, status and dates for statistics. Safe to run daily "
        "from cron: it only touches enquiries not yet anonymised."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be anonymised; change nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        due = Enquiry.objects.due_for_anonymisation()
        if dry_run:
            count = due.count()
            self.stdout.write(
                f"{count} enquiries would be anonymised (retention "
                f"{settings.ENQUIRY_RETENTION.days} days after closing, "
                f"{settings.ENQUIRY_OPEN_RETENTION.days} days for open ones); "
                f"{Enquiry.objects.anonymised_soon().count()} within "
                f"{settings.ENQUIRY_RETENTION_WARNING.days} days."
            )
            return
        count = 0
        for pk in list(due.values_list("pk", flat=True)):
            with transaction.atomic():
                enquiry = Enquiry.objects.select_for_update().get(pk=pk)
                if enquiry.anonymised is None:
                    enquiry.anonymise()
                    count += 1
        self.stdout.write(f"Anonymised {count} enquiries.")
