from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from bots.models import BotClient
from personas.models import Persona


class Command(BaseCommand):
    help = "Manage delivery-API bot clients: create NAME, revoke NAME, list."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a client; its token is the last line.")
        create.add_argument("name")
        create.add_argument("--persona", action="append", default=[], metavar="SLUG")
        create.add_argument("--all-personas", action="store_true")
        create.add_argument("--expires", help="YYYY-MM-DD or an ISO 8601 date-time")
        revoke = sub.add_parser("revoke", help="Revoke a client: its token stops working.")
        revoke.add_argument("name")
        sub.add_parser("list", help="List the clients.")

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    @transaction.atomic
    def _create(self, name, persona, all_personas, expires, **options):
        name = name.strip()
        if not name:
            raise CommandError("A client needs a name.")
        if BotClient.objects.filter(name=name).exists():
            raise CommandError(f"A client named “{name}” already exists.")
        if not persona and not all_personas:
            raise CommandError("Give at least one --persona SLUG, or --all-personas.")
        if persona and all_personas:
            raise CommandError("Use either --persona or --all-personas, not both.")
        found = {p.slug: p for p in Persona.objects.filter(slug__in=persona)}
        unknown = [slug for slug in persona if slug not in found]
        if unknown:
            raise CommandError(f"No persona with slug: {', '.join(unknown)}")
        expires_at = None
        if expires:
            expires_at = parse_datetime(expires)
            if expires_at is None and (day := parse_date(expires)):
                expires_at = timezone.make_aware(
                    timezone.datetime.combine(day, timezone.datetime.min.time())
                )
            if expires_at is None:
                raise CommandError(f"--expires “{expires}” is not a date (YYYY-MM-DD).")
            if timezone.is_naive(expires_at):
                expires_at = timezone.make_aware(expires_at)
            if expires_at <= timezone.now():
                raise CommandError("--expires must be in the future.")
        client, token = BotClient.create(
            name, personas=found.values(), all_personas=all_personas, expires_at=expires_at
        )
        scope = "all personas" if all_personas else ", ".join(sorted(found))
        self.stdout.write(f"Created bot client “{client.name}” for {scope}.")
        self.stdout.write("The token is shown once; store it now:")
        self.stdout.write(token)

    def _revoke(self, name, **options):
        client = BotClient.objects.filter(name=name).first()
        if client is None:
            raise CommandError(f"No bot client named “{name}”.")
        client.revoke()
        self.stdout.write(f"Revoked “{client.name}”.")

    def _list(self, **options):
        clients = BotClient.objects.prefetch_related("personas")
        if not clients:
            self.stdout.write("No bot clients.")
        for client in clients:
            scope = (
                "all" if client.all_personas else ",".join(p.slug for p in client.personas.all())
            )
            state = (
                "active" if client.is_active else ("revoked" if client.revoked_at else "expired")
            )
            used = client.last_used_at.isoformat() if client.last_used_at else "never"
            self.stdout.write(
                f"{client.name}\t{state}\tpersonas={scope}\t"
                f"prefix={client.token_prefix}\tlast used {used}"
            )
