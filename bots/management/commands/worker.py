from django.core.management.base import BaseCommand, CommandError
from django_tasks import task_backends
from django_tasks_db.backend import DatabaseBackend

from bots.worker import Worker


def seconds(value: str) -> float:
    """argparse type: a positive number of seconds (its name is in the error message)."""
    number = float(value)
    if not number > 0:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Run the background worker: queued tasks (search indexing, imports …; webhook "
        "deliveries in a lane of their own) and, every minute, scheduled publishing and webhook "
        "retries. Several may run at once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=seconds, default=1.0, help="Seconds between queue checks."
        )
        parser.add_argument(
            "--every",
            type=seconds,
            default=60.0,
            help="Seconds between scheduled publishing and webhook retry passes.",
        )
        parser.add_argument(
            "--queue",
            default="default,webhooks",
            help=(
                "Comma-separated queue names (default: default,webhooks). The webhooks queue "
                "runs in a lane of its own, so a slow receiver delays nothing else."
            ),
        )
        parser.add_argument(
            "--once",
            action="store_true",
            help="One periodic pass, then every ready task, then exit (for cron or a check).",
        )

    def handle(self, *args, interval, every, queue, once, **options):
        if not isinstance(task_backends["default"], DatabaseBackend):
            raise CommandError(
                "TASKS['default'] is not the database backend (django_tasks_db.DatabaseBackend): "
                "tasks run inside the request and there is nothing for a worker to do."
            )
        queues = [name.strip() for name in queue.split(",") if name.strip()]
        if not queues:
            raise CommandError("--queue needs at least one queue name.")

        def out(line: str) -> None:
            self.stdout.write(line)
            self.stdout.flush()

        worker = Worker(interval=interval, every=every, queues=queues, once=once, out=out)
        previous = worker.install_signals()
        try:
            worker.run()
        finally:
            worker.restore_signals(previous)  # call_command (tests) gets its handlers back
