from django.core.management.base import BaseCommand, CommandError

from operations.archive import BackupError
from operations.restore import restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into an empty, migrated installation of "
        "the same release, then rebuild the search index. All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the backup file (.zip)")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="delete everything in this installation first (otherwise it must be empty)",
        )

    def handle(self, *args, file, replace=False, **options):
        try:
            manifest = restore_backup(file, replace=replace, progress=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            f"Restored {rows} rows and {len(manifest['media'])} media files from {file} "
            f"(made {manifest['created_at']}). Content digest {manifest['content_digest']}."
        )
