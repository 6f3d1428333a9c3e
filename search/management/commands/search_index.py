import sys

from django.core.management.base import BaseCommand, CommandError

from search import index_admin

REBUILD_HINT = "The search index is out of date: run `python manage.py search_index rebuild`."


class Command(BaseCommand):
    help = (
        "search_index rebuild: rebuild the search index from the database. "
        "search_index check: list items missing from the index and documents of items no "
        "longer in the database (exit 1 if any). "
        "search_index clean: remove those documents and index the missing items."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "check", "clean"])

    def handle(self, *args, action, **options):
        if action == "rebuild":
            self._rebuild()
        elif action == "clean":
            self._clean()
        else:
            self._check()

    def _progress(self, label: str, done: int, total: int) -> None:
        width = 30
        filled = int(width * done / total) if total else width
        bar = "#" * filled + "." * (width - filled)
        self.stderr.write(f"\r  {label:<28} [{bar}] {done}/{total}", ending="")
        if done >= total:
            self.stderr.write("")

    def _rebuild(self) -> None:
        counts = index_admin.rebuild(self._progress)
        detail = ", ".join(f"{label} {count}" for label, count in counts.items())
        total = sum(counts.values())
        message = f"Search index rebuilt: {total} documents ({detail})."
        self.stdout.write(self.style.SUCCESS(message))

    def _clean(self) -> None:
        counts = index_admin.clean()
        removed = sum(orphaned for orphaned, _missing in counts.values())
        added = sum(missing for _orphaned, missing in counts.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Search index cleaned: {removed} orphan documents removed, {added} missing "
                "items indexed."
            )
        )

    def _check(self) -> None:
        result = index_admin.check()
        for label in result.incomplete:
            self.stdout.write(
                f"{label}: the index was lost and recreated by a save; it holds only what was "
                "saved since."
            )
        for problem, found in (
            ("missing from the index", result.missing),
            ("in the index but not in the database", result.orphaned),
        ):
            for label, ids in found.items():
                if ids:
                    shown = ", ".join(ids[:20]) + (" …" if len(ids) > 20 else "")
                    self.stdout.write(f"{label}: {len(ids)} {problem}: {shown}")
        if not result.ok:
            sys.stdout.flush()
            raise CommandError(REBUILD_HINT, returncode=1)
        self.stdout.write(self.style.SUCCESS("The search index is complete."))
