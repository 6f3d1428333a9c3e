import time

from django.core.management.base import BaseCommand

from bots import webhooks


class Command(BaseCommand):
    help = (
        "Send webhook deliveries that are due (first attempts that did not happen and retries "
        "with exponential backoff). Use --loop to keep running as a worker."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        deliver = sub.add_parser("deliver", help="Send what is due, once or in a loop.")
        deliver.add_argument("--loop", action="store_true", help="Keep running.")
        deliver.add_argument("--interval", type=float, default=5.0, help="Seconds between runs.")

    def handle(self, *args, action, loop, interval, **options):
        while True:
            delivered, failed = webhooks.deliver_due()
            if delivered or failed or not loop:
                self.stdout.write(f"Delivered {delivered}, failed attempts {failed}.")
            if not loop:
                return
            time.sleep(max(interval, 0.5))
