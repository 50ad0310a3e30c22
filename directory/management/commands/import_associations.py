from django.core.management.base import BaseCommand, CommandError

from directory.importing import ImportError_, import_rows, read_rows


class Command(BaseCommand):
    help = (
        "Create or update associations from a CSV shaped like directory/data/associations.csv. "
        "Idempotent: rows are matched on their JIS prefecture or municipality code."
    )

    def add_arguments(self, parser):
        parser.add_argument("csv_path")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; write nothing."
        )

    def handle(self, csv_path, dry_run, **options):
        try:
            rows = read_rows(csv_path)
        except (OSError, ImportError_) as error:
            raise CommandError(str(error)) from error
        report = import_rows(rows, dry_run=dry_run)
        for line, message in report.errors:
            self.stderr.write(f"line {line}: {message}")
        for association, changed in report.updated:
            self.stdout.write(f"updated {association.slug}: {', '.join(changed)}")
        for association in report.created:
            self.stdout.write(f"created {association.slug}")
        summary = (
            f"{len(report.created)} created, {len(report.updated)} updated, "
            f"{len(report.unchanged)} unchanged."
        )
        self.stdout.write(f"Dry run, nothing written: {summary}" if dry_run else summary)
        if report.errors:
            raise CommandError(f"{len(report.errors)} rows have errors; nothing was written.")
