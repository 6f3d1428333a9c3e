import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from content.import_run import import_file


class Command(BaseCommand):
    help = (
        "Import scripts from .jsonl, .csv or .xlsx. Every row is validated first; if any row is "
        "invalid nothing is written and the command exits with code 1. Rows are upserted by "
        "external_id."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish what is imported (lint errors then make a row invalid).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and report, write nothing."
        )

    def handle(self, *args, file, publish, dry_run, **options):
        def progress(rows: int) -> None:
            if rows % 100 == 0:
                self.stderr.write(f"\r  validated {rows} rows…", ending="")

        def waiting() -> None:
            self.stderr.write(_("Another import is running; waiting for it to finish…"))
            self.stderr.flush()

        result = import_file(
            file, publish=publish, dry_run=dry_run, progress=progress, waiting=waiting
        )
        if result.rows >= 100:
            self.stderr.write("")
        for note in result.notes:
            self.stdout.write(self.style.WARNING(note))
        if result.errors:
            for error in sorted(result.errors, key=lambda e: e.row):
                self.stderr.write(self.style.ERROR(str(error)))
            raise CommandError(
                f"{len(result.errors)} error(s) in {file}; nothing was written.", returncode=1
            )
        verb = "would be" if dry_run else "were"
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.rows} rows: {result.created} {verb} created, {result.updated} updated, "
                f"{result.unchanged} unchanged, {result.published} published."
                + (" (dry run: nothing written)" if dry_run else "")
            )
        )
        sys.stdout.flush()
