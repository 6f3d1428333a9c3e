from django.core.management.base import BaseCommand, CommandError

from sequences.transfer import export_file


class Command(BaseCommand):
    help = "Export every sequence (its latest revision) as JSONL that import_sequences reads."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            count = export_file(file)
        except OSError as error:
            raise CommandError(f"Cannot write {file}: {error}") from error
        self.stdout.write(self.style.SUCCESS(f"{count} sequences written to {file}."))
