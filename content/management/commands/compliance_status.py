"""`manage.py compliance_status [--refresh] [--all]`: how many cached compliance levels are
stale (computed under older rules or never), and recompute them (see content/compliance_status.py).
The worker also refreshes a batch every minute."""

from django.core.management.base import BaseCommand

from content import compliance_status
from content.models import Script


class Command(BaseCommand):
    help = "Show or refresh the cached compliance status of scripts."

    def add_arguments(self, parser):
        parser.add_argument("--refresh", action="store_true", help="recompute the stale ones")
        parser.add_argument("--all", action="store_true", help="recompute every script")

    def handle(self, *args, refresh=False, all=False, **options):
        if all:
            ids = list(Script.objects.order_by("pk").values_list("pk", flat=True))
            for number, pk in enumerate(ids, 1):
                compliance_status.refresh(pk)
                if number % 500 == 0:
                    self.stdout.write(f"{number}/{len(ids)}")
            self.stdout.write(f"Recomputed {len(ids)} script(s).")
            return
        stale = len(compliance_status.stale_ids())
        if not refresh:
            self.stdout.write(f"{stale} script(s) with a stale compliance status.")
            return
        done = compliance_status.refresh_stale()
        self.stdout.write(f"Recomputed {done} stale script(s).")
