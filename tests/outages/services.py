"""Throwaway services for outage tests: a Redis and a PostgreSQL server on free loopback ports
(never the shared 5432/6379), and a way to point Django's default database at another
database for the length of a test.

A test that cannot start a service fails with the reason; it is never skipped.
"""

from __future__ import annotations

import copy
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

POSTGRES_BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.05)
    return False


class RedisServer:
    """``redis-server --save '' --appendonly no`` in a temporary folder."""

    def __init__(self):
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is not installed: the Redis outage tests need it")
        self.binary = binary
        self.folder = tempfile.mkdtemp(prefix="siyu-redis-")
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self.folder,
            ],  # fmt: skip
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        if not _wait_for_port(self.port):
            self.stop()
            pytest.fail(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self.process = None

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


class PostgresServer:
    """A PostgreSQL cluster of its own (initdb + pg_ctl) in a temporary folder. PostgreSQL
    refuses to run as root, so as root it runs as the ``postgres`` user (runuser)."""

    def __init__(self):
        if not POSTGRES_BIN_DIRS:
            pytest.fail("PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin")
        self.bin = POSTGRES_BIN_DIRS[0]
        self.folder = Path(tempfile.mkdtemp(prefix="siyu-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            runuser = shutil.which("runuser")
            try:
                pwd.getpwnam("postgres")
            except KeyError:
                pytest.fail("running as root and there is no `postgres` user to run PostgreSQL")
            if runuser is None:
                pytest.fail("running as root and `runuser` is missing: cannot start PostgreSQL")
            self.folder.chmod(0o755)
            self.data.mkdir(mode=0o700)
            shutil.chown(self.data, "postgres", "postgres")
            self.as_user = [runuser, "-u", "postgres", "--"]
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync",
                  "-E", "UTF8", "--locale", "C")  # fmt: skip

    def _run(self, program: str, *args: str) -> None:
        command = [*self.as_user, str(self.bin / program), *args]
        result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
        if result.returncode != 0:
            pytest.fail(f"{program} failed ({result.returncode}): {result.stderr or result.stdout}")

    def start(self) -> None:
        options = (
            # fsync off is safe for a stop that is not a machine crash; synchronous_commit
            # stays on, or a stop could lose the test's last commits.
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.data} -c fsync=off "
            "-c full_page_writes=off"
        )
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-w", "-t", "60",
                  "-l", str(self.data / "server.log"), "start")  # fmt: skip

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def cleanup(self) -> None:
        subprocess.run(  # noqa: S603
            [
                *self.as_user,
                str(self.bin / "pg_ctl"),
                "-D",
                str(self.data),
                "-m",
                "immediate",
                "stop",
            ],  # fmt: skip
            capture_output=True,
            check=False,
        )
        shutil.rmtree(self.folder, ignore_errors=True)

    def settings(self) -> dict:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": "postgres",
            "USER": "postgres",
            "PASSWORD": "",
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "OPTIONS": {"connect_timeout": 5},
            "CONN_MAX_AGE": 0,
        }


def sqlite_settings(path: Path | str, timeout: float = 0.5) -> dict:
    """A SQLite file as production uses it (IMMEDIATE transactions), with a short busy
    timeout so that a locked database is noticed within the test."""
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {"timeout": timeout, "transaction_mode": "IMMEDIATE"},
        "CONN_MAX_AGE": 0,
    }


def _wrapper(overrides: dict):
    from django.db import connections
    from django.db.utils import load_backend

    settings_dict = copy.deepcopy(connections.settings["default"])
    settings_dict.update(overrides)
    return load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, "default")


def create_schema(overrides: dict) -> None:
    """Every managed model's table, created directly from the models (as Django's syncdb):
    seconds instead of running every migration."""
    from django.apps import apps

    wrapper = _wrapper(overrides)
    try:
        with wrapper.schema_editor() as editor:
            for model in apps.get_models():
                if model._meta.managed and not model._meta.proxy:
                    editor.create_model(model)
    finally:
        wrapper.close()


@contextmanager
def default_database(overrides: dict):
    """Django's default connection is another database meanwhile (the test database's
    connection, with its open test transaction, is put back afterwards)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connections

    original = connections["default"]
    wrapper = _wrapper(overrides)
    connections["default"] = wrapper
    ContentType.objects.clear_cache()  # its ids are the other database's
    try:
        yield wrapper
    finally:
        with suppress(Exception):  # the server may be gone: nothing to close
            wrapper.close()
        connections["default"] = original
        ContentType.objects.clear_cache()
