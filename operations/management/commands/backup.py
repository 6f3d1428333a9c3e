from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from operations.archive import BackupError
from operations.backup import write_backup


class Command(BaseCommand):
    help = (
        "Write a complete backup (all content, users, bot clients, media) to one ZIP file, "
        "read in one consistent transaction. Restore it with `manage.py restore FILE`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            nargs="?",
            help="the file to write (default: siyu-backup-<date>-<time>.zip here)",
        )

    def handle(self, *args, file=None, **options):
        path = file or f"siyu-backup-{timezone.localtime():%Y%m%d-%H%M%S}.zip"
        started = timezone.now()
        try:
            manifest = write_backup(path, progress=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        seconds = (timezone.now() - started).total_seconds()
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            f"Backup written to {path}: {rows} rows, {len(manifest['media'])} media files, "
            f"{seconds:.1f} s. Content digest {manifest['content_digest']}."
        )
