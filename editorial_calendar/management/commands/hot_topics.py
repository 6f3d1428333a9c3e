from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from editorial_calendar.generate import generate
from editorial_calendar.holidays import MAX_YEAR, MIN_YEAR, YearOutOfRange


class Command(BaseCommand):
    help = (
        "Hot topics: `generate --year Y` adds China's holidays, lunar festivals, solar terms "
        "and e-commerce festivals of year Y."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        gen = sub.add_parser("generate", help="Create the computed hot topics of a year.")
        gen.add_argument(
            "--year",
            type=int,
            action="append",
            help=f"{MIN_YEAR}–{MAX_YEAR}; repeatable. Default: this year and next.",
        )

    def handle(self, *args, action, year=None, **options):
        this_year = timezone.localdate().year
        years = year or [this_year, this_year + 1]
        for y in years:
            try:
                result = generate(y)
            except YearOutOfRange as error:
                raise CommandError(str(error)) from error
            self.stdout.write(
                self.style.SUCCESS(
                    f"{y}: {result.created} hot topics created, {result.existing} already there."
                )
            )
