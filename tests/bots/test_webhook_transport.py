"""Webhooks reach public http(s) addresses only, checked for every connection; no redirects.

Nothing here needs the internet: the receivers listen on loopback, which the guard refuses by
default and allows under WEBHOOK_ALLOW_PRIVATE (the on-premise setting)."""

import ipaddress
import json
import socket

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone, translation
from wagtail.users.models import UserProfile

from bots import transport, webhooks
from bots.models import BotClient, Webhook, WebhookDelivery
from tests.personas.factories import PersonaFactory

from .receiver import Receiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.stop()


@pytest.fixture
def client_bot():
    client, _token = BotClient.create("bot", personas=[PersonaFactory(slug="xiaomei")])
    return client


def delivery_to(client_bot, url):
    webhook = Webhook.objects.create(client=client_bot, url=url)
    return WebhookDelivery.objects.create(
        webhook=webhook,
        event="script.published",
        payload={"event": "script.published", "delivery_id": "d-1"},
        next_attempt_at=timezone.now(),
    )


def attempt(delivery):
    # The reason is stored in the active language; these tests read the English msgids.
    with translation.override("en"):
        ok = webhooks.attempt(delivery)
    delivery.refresh_from_db()
    return ok


REFUSED_ALWAYS = [
    "169.254.169.254",  # cloud metadata
    "fe80::1",
    "::ffff:169.254.169.254",
    "0.0.0.0",  # noqa: S104 - an address to refuse, not one to bind
    "0.1.2.3",
    "::",
    "224.0.0.1",
    "ff02::1",
    "255.255.255.255",
    "240.0.0.1",
    "2001::1",  # Teredo
]
PRIVATE = [
    "127.0.0.1",
    "127.8.8.8",
    "::1",
    "10.0.0.1",
    "172.16.5.4",
    "192.168.1.1",
    "100.64.0.1",  # CGNAT
    "fc00::1",
    "::ffff:127.0.0.1",  # IPv4-mapped IPv6
    "::ffff:10.0.0.1",
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
    "2002:7f00:1::1",  # 6to4 of 127.0.0.1
]
PUBLIC = ["93.184.215.14", "1.1.1.1", "2606:4700:4700::1111", "::ffff:1.1.1.1"]


@pytest.mark.parametrize("address", REFUSED_ALWAYS + PRIVATE)
def test_non_public_addresses_are_refused_by_default(address):
    assert transport.refusal_reason(ipaddress.ip_address(address), allow_private=False)


@pytest.mark.parametrize("address", REFUSED_ALWAYS)
def test_link_local_multicast_and_reserved_stay_refused_on_premise(address):
    assert transport.refusal_reason(ipaddress.ip_address(address), allow_private=True)


@pytest.mark.parametrize("address", PRIVATE)
def test_the_on_premise_setting_allows_loopback_and_private_networks(address):
    assert transport.refusal_reason(ipaddress.ip_address(address), allow_private=True) is None


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_allowed(address):
    assert transport.refusal_reason(ipaddress.ip_address(address), allow_private=False) is None


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]", "2130706433", "0x7f.1"])
def test_a_loopback_receiver_is_never_contacted_by_default(client_bot, receiver, host):
    delivery = delivery_to(client_bot, f"http://{host}:{receiver.port}/hook")
    assert attempt(delivery) is False
    assert receiver.requests == []
    assert delivery.status == "pending" and delivery.attempts == 1
    assert delivery.last_status_code is None
    assert "Webhooks only go to public addresses" in delivery.last_error or (
        "could not be resolved" in delivery.last_error
    )


def test_with_the_on_premise_setting_it_is_sent_and_signed(client_bot, receiver, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    delivery = delivery_to(client_bot, receiver.url)
    assert attempt(delivery) is True
    assert delivery.status == "delivered" and delivery.last_status_code == 200
    (request,) = receiver.requests
    assert request["method"] == "POST" and request["path"] == "/hook"
    assert json.loads(request["body"])["event"] == "script.published"
    secret = delivery.webhook.secret
    assert request["headers"]["X-Signature"] == webhooks.sign(request["body"], secret)


def test_a_redirect_is_a_failed_attempt_and_is_not_followed(client_bot, receiver, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    elsewhere = Receiver()
    try:
        receiver.status = 302
        receiver.headers = {"Location": elsewhere.url}
        delivery = delivery_to(client_bot, receiver.url)
        assert attempt(delivery) is False
        assert delivery.status == "pending" and delivery.last_status_code == 302
        assert "redirect" in delivery.last_error and elsewhere.url in delivery.last_error
        assert delivery.next_attempt_at > timezone.now()  # retried later like any failure
        assert [r["method"] for r in receiver.requests] == ["POST"]
        assert elsewhere.requests == []
    finally:
        elsewhere.stop()


def test_other_schemes_are_never_contacted(client_bot, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    try:
        port = listener.getsockname()[1]
        delivery = delivery_to(client_bot, f"ftp://127.0.0.1:{port}/")
        assert attempt(delivery) is False
        assert "Only http:// and https://" in delivery.last_error
        with pytest.raises(TimeoutError):
            listener.accept()  # nobody knocked
    finally:
        listener.close()


def test_the_address_checked_is_the_address_dialled(client_bot, receiver, settings, monkeypatch):
    """DNS rebinding: the host is resolved once per connection and that answer is dialled, so a
    second, different answer at connect time cannot redirect the POST."""
    settings.WEBHOOK_ALLOW_PRIVATE = True
    answers = iter(["127.0.0.1", "169.254.169.254"])
    calls = []

    def fake_getaddrinfo(host, port, *args, **kwargs):
        calls.append(host)
        address = next(answers)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(transport.socket, "getaddrinfo", fake_getaddrinfo)
    delivery = delivery_to(client_bot, f"http://hooks.bot.test:{receiver.port}/hook")
    assert attempt(delivery) is True
    assert calls == ["hooks.bot.test"]
    assert receiver.requests[0]["headers"]["Host"] == f"hooks.bot.test:{receiver.port}"
    # The next connection resolves again, gets the metadata address, and is refused.
    delivery.status, delivery.attempts = "pending", 1
    delivery.save()
    assert attempt(delivery) is False
    assert "link-local" in delivery.last_error and len(receiver.requests) == 1


def test_a_host_with_any_non_public_address_is_refused(client_bot, receiver, monkeypatch):
    def fake_getaddrinfo(host, port, *args, **kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port)),
        ]

    monkeypatch.setattr(transport.socket, "getaddrinfo", fake_getaddrinfo)
    delivery = delivery_to(client_bot, f"http://mixed.bot.test:{receiver.port}/hook")
    assert attempt(delivery) is False
    assert "resolves to 127.0.0.1, a loopback address" in delivery.last_error
    assert receiver.requests == []


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://127.0.0.1:8000/hook", "loopback"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://10.1.2.3/hook", "private"),
        ("ftp://example.com/hook", "Only http:// and https://"),
        ("http://user:pw@93.184.215.14/hook", "user name or password"),
    ],
)
def test_the_admin_form_refuses_such_urls(client, client_bot, url, message):
    admin = get_user_model().objects.create_superuser("admin", "a@example.com", "pw")
    UserProfile.objects.create(user=admin, preferred_language="en")  # English msgids below
    client.force_login(admin)
    data = {"client": client_bot.pk, "url": url, "active": "on"}
    response = client.post("/admin/webhooks/new/", data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["url"])
    assert not Webhook.objects.exists()


def test_the_admin_form_saves_a_public_url_without_contacting_it(client, client_bot):
    client.force_login(get_user_model().objects.create_superuser("admin", "a@example.com", "pw"))
    data = {"client": client_bot.pk, "url": "https://93.184.215.14/hook", "active": "on"}
    assert client.post("/admin/webhooks/new/", data).status_code == 302
    assert Webhook.objects.get().url == "https://93.184.215.14/hook"
