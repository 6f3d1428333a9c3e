"""How a webhook delivery reaches its receiver: one signed POST to a public address, nothing else.

A webhook URL is typed in by whoever manages bot clients, and the delivery log shows what each
attempt got back. Without a guard that makes the CMS fetch anything its own network can reach
(loopback services, the private network, the cloud metadata endpoint at 169.254.169.254) and
report on it. So every connection:

- accepts only ``http`` and ``https`` URLs;
- resolves the host and refuses it when ANY of its addresses is not a public one (after
  unwrapping IPv4-mapped, 6to4 and NAT64 IPv6 forms);
- connects to the vetted address itself (the Host header and the TLS name stay the host name),
  so a DNS answer that changes between the check and the connection cannot win;
- never follows a redirect: a 3xx is a failed attempt (following one would send an unsigned,
  body-less GET somewhere else).

WEBHOOK_ALLOW_PRIVATE=true also allows loopback and private networks, for a receiver inside an
on-premise network; link-local, multicast, unspecified and reserved addresses stay refused.
Proxies from the environment (HTTP_PROXY …) are deliberately not used.
"""

from __future__ import annotations

import functools
import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Python's is_global misses these, or they need a reason of their own in the message.
CGNAT = ipaddress.ip_network("100.64.0.0/10")
THIS_NETWORK = ipaddress.ip_network("0.0.0.0/8")
NAT64 = ipaddress.ip_network("64:ff9b::/96")
BROADCAST = ipaddress.ip_address("255.255.255.255")


class RefusedDestination(Exception):
    """The URL must not be contacted; the message says why (shown in forms and the log)."""


@dataclass(frozen=True)
class Outcome:
    status: int | None  # the HTTP status, or None when no response came back
    error: str  # "" for a 2xx


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, 6to4, NAT64), if any."""
    if address.version != 6:
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def refusal_reason(address: IPAddress, *, allow_private: bool) -> str | None:
    """Why a connection to `address` is refused ("a loopback address …"), or None when it is
    allowed."""
    inner = _embedded_ipv4(address)
    if inner is not None:
        return refusal_reason(inner, allow_private=allow_private)
    if address.version == 6 and address.teredo is not None:
        return _("a tunnel address")
    if address.is_link_local:
        return _("a link-local address (such as the cloud metadata service)")
    if address.is_multicast or address == BROADCAST:
        return _("a multicast or broadcast address")
    if address.is_unspecified or address in THIS_NETWORK:
        return _("not a destination address")
    if address.is_loopback:  # before "reserved": ::1 lies in the reserved ::/8
        return None if allow_private else _("a loopback address (this machine)")
    if address.is_reserved or (address.version == 6 and address.is_site_local):
        return _("a reserved address")
    if address.is_global and address not in CGNAT:
        return None
    if allow_private:
        return None
    return _("a private or internal network address")


def _allow_private() -> bool:
    return bool(getattr(settings, "WEBHOOK_ALLOW_PRIVATE", False))


def _split(url: str) -> tuple[str, str, int, str]:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise RefusedDestination(_("The URL is not valid (%(error)s).") % {"error": exc}) from exc
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"}:
        raise RefusedDestination(_("Only http:// and https:// URLs can receive webhooks."))
    if not parts.hostname:
        raise RefusedDestination(_("The URL has no host name."))
    if parts.username is not None or parts.password is not None:
        raise RefusedDestination(_("The URL must not contain a user name or password."))
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return scheme, parts.hostname, port or (443 if scheme == "https" else 80), path


Destination = tuple[int, tuple]  # (address family, socket address) exactly as resolved


def vetted_addresses(host: str, port: int) -> list[Destination]:
    """Every address of `host`, all of them allowed, in the resolver's order."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise RefusedDestination(
            _("The host name %(host)s could not be resolved.") % {"host": host}
        ) from exc
    destinations = list(dict.fromkeys((info[0], info[4]) for info in infos))
    allow_private = _allow_private()
    for _family, sockaddr in destinations:
        # A scoped IPv6 address ("fe80::1%eth0") is link-local anyway; drop the zone to parse.
        address = ipaddress.ip_address(sockaddr[0].split("%")[0])
        reason = refusal_reason(address, allow_private=allow_private)
        if reason:
            raise RefusedDestination(
                _(
                    "Refused: %(host)s resolves to %(ip)s, %(reason)s. Webhooks only go to "
                    "public addresses."
                )
                % {"host": host, "ip": address, "reason": reason}
            )
    if not destinations:
        raise RefusedDestination(_("The host name %(host)s has no address.") % {"host": host})
    return destinations


def check_url(url: str) -> None:
    """Raise RefusedDestination when `url` could not receive webhooks (used by the form)."""
    _scheme, host, port, _path = _split(url)
    vetted_addresses(host, port)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to a vetted address; everything else (Host header …) uses the host name."""

    def __init__(self, host: str, port: int, destination: Destination, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.destination = destination

    def connect(self) -> None:
        # A plain socket on the resolved address: nothing here resolves the name again.
        family, sockaddr = self.destination
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.settimeout(self.timeout)
            sock.connect(sockaddr)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except BaseException:
            sock.close()
            raise
        self.sock = sock


@functools.cache
def _tls_context() -> ssl.SSLContext:
    # Loading the CA store takes a while; one context serves every connection.
    return ssl.create_default_context()


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    default_port = http.client.HTTPS_PORT

    def connect(self) -> None:
        super().connect()
        # The certificate is checked against the host name, not the address we dialled.
        self.sock = _tls_context().wrap_socket(self.sock, server_hostname=self.host)


def _describe(exc: BaseException) -> str:
    return (str(exc) or type(exc).__name__)[:500]


def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> Outcome:
    """POST `body` to `url` once, over a guarded connection; never raises for network errors."""
    try:
        scheme, host, port, path = _split(url)
        destinations = vetted_addresses(host, port)
    except RefusedDestination as exc:
        return Outcome(None, str(exc))
    connection_class = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    error = ""
    for destination in destinations:
        connection = connection_class(host, port, destination, timeout)
        try:
            try:
                connection.connect()
            except OSError as exc:
                # Nothing was sent: the host's next address may answer.
                error = _describe(exc)
                continue
            try:
                connection.request("POST", path, body=body, headers=headers)
                response = connection.getresponse()
                status = response.status
                location = response.getheader("Location", "")
                response.read(64 * 1024)  # a little of the body, so the receiver is not reset
            except (OSError, http.client.HTTPException) as exc:
                # It may have been received: never send it to a second address.
                return Outcome(None, _describe(exc))
        finally:
            connection.close()
        if 200 <= status < 300:
            return Outcome(status, "")
        if 300 <= status < 400:
            return Outcome(
                status,
                _("HTTP %(status)s: redirect to %(location)s not followed")
                % {"status": status, "location": location[:300] or "?"},
            )
        return Outcome(status, f"HTTP {status}")
    return Outcome(None, error)
