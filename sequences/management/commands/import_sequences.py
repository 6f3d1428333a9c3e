from django.core.management.base import BaseCommand, CommandError

from sequences.transfer import import_file


class Command(BaseCommand):
    help = (
        "Import sequences from JSONL (export_sequences' shape), matched by slug. Every row is "
        "validated first; one bad row and nothing is saved."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--publish", action="store_true", help="Publish what is imported.")
        parser.add_argument("--dry-run", action="store_true", help="Validate only.")

    def handle(self, *args, file, publish, dry_run, **options):
        result = import_file(file, publish=publish, dry_run=dry_run)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(f"row {error.row} {error.field}: {error.message}")
            raise CommandError(f"{len(result.errors)} problem(s); nothing was saved.")
        verb = "would be imported" if dry_run else "imported"
        self.stdout.write(
            self.style.SUCCESS(f"{result.created} new, {result.updated} updated sequences {verb}.")
        )
