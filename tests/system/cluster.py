"""Real processes for the system tests: gunicorn instances and task workers with the production
settings, a database of their own on a PostgreSQL server, and a small HTTP client.

Every process runs `site_config.settings.production` as the README says an operator runs it,
on loopback ports; HTTPS is assumed behind a proxy, so requests carry `X-Forwarded-Proto`.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.outages.services import free_port

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
SECRET = "system-tests-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
STARTUP_SECONDS = 90  # a loaded 2-core CI machine; a healthy start takes a few seconds


def production_env(database_url: str, redis_url: str, data_dir: Path, **extra: str) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST", "DJANGO_", "DATABASE_", "REDIS_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="site_config.settings.production",
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        SEARCH_BACKEND="database",  # several app servers: the index lives in the database
        DATA_DIR=str(data_dir),
        SECURE_SSL_REDIRECT="false",  # the proxy's job; the tests talk plain HTTP on loopback
        WEBHOOK_ALLOW_PRIVATE="true",  # the tests' webhook receivers are on loopback
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


@dataclass
class Process:
    """A long-running child process with its output in a log file."""

    name: str
    command: list[str]
    env: dict
    log: Path
    process: subprocess.Popen | None = None

    def start(self) -> None:
        handle = self.log.open("ab")
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            self.command, cwd=ROOT, env=self.env, stdout=handle, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        handle.close()

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def terminate(self) -> None:
        if self.alive():
            os.killpg(self.process.pid, signal.SIGTERM)

    def stop(self, timeout: float = 20) -> None:
        if not self.alive():
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def log_tail(self) -> str:
        return f"--- {self.name} ({self.log}) ---\n{_tail(self.log)}"


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


@dataclass
class Instance(Process):
    """`gunicorn site_config.wsgi` on a loopback port."""

    port: int = 0
    workers: int = 2

    @classmethod
    def create(cls, name: str, env: dict, folder: Path, workers: int = 2) -> Instance:
        port = free_port()
        command = [
            PYTHON, "-m", "gunicorn", "site_config.wsgi", "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers), "--timeout", "60", "--graceful-timeout", "5",
            "--no-control-socket",  # one per instance would share ~/.gunicorn/gunicorn.ctl
            "--preload",  # the app is loaded once, then forked: a start costs one Django setup
        ]  # fmt: skip
        return cls(name, command, env, folder / f"{name}.log", port=port, workers=workers)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def request(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        params: dict | None = None,
        body=None,
        timeout: float = 30,
    ) -> Response:
        url = self.base + path + (f"?{urlencode(params)}" if params else "")
        headers = {"X-Forwarded-Proto": "https", "Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode()
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
                return Response(answer.status, _lower(answer.headers), answer.read())
        except urllib.error.HTTPError as error:
            return Response(error.code, _lower(error.headers), error.read())

    def api(self, method: str, path: str, token: str | None = None, **kwargs) -> Response:
        return self.request(method, f"/api/v1/{path}", token=token, **kwargs)

    def get(self, path: str, token: str | None = None, **params) -> Response:
        return self.api("GET", path, token, params=params or None)

    def health(self) -> Response:
        return self.api("GET", "health")

    def wait_healthy(self, seconds: float = STARTUP_SECONDS) -> None:
        deadline = time.monotonic() + seconds
        last = "no answer"
        while time.monotonic() < deadline:
            if not self.alive():
                pytest.fail(f"{self.name} exited at start\n{self.log_tail()}")
            try:
                answer = self.health()
                if answer.status == 200:
                    return
                last = f"{answer.status} {answer.body[:300]!r}"
            except OSError as error:
                last = str(error)
            time.sleep(0.2)
        pytest.fail(f"{self.name} not healthy after {seconds:g} s ({last})\n{self.log_tail()}")

    def worker_pids(self) -> list[int]:
        """The gunicorn worker processes (children of the master)."""
        children = Path(f"/proc/{self.pid}/task/{self.pid}/children")
        return [int(pid) for pid in children.read_text().split()]


def _lower(headers) -> dict:
    return {key.lower(): value for key, value in headers.items()}


def start_worker(name: str, env: dict, folder: Path) -> Process:
    """`manage.py worker`, checking its queue every 0.2 s."""
    process = Process(
        name, [PYTHON, "manage.py", "worker", "--interval", "0.2"], env, folder / f"{name}.log"
    )
    process.start()
    return process


def manage(env: dict, *args: str, timeout: float = 120, check: bool = True):
    """Run a management command with the instances' settings (an operator's shell)."""
    result = subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=timeout, check=False,
    )  # fmt: skip
    if check and result.returncode != 0:
        pytest.fail(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def action(env: dict, name: str, **arguments):
    """Run one of tests/system/actions.py's steps in a process with the instances' settings;
    its JSON answer."""
    result = subprocess.run(  # noqa: S603
        [PYTHON, "-m", "tests.system.actions", name, json.dumps(arguments)], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        pytest.fail(f"action {name} failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


class Shell:
    """An operator's shell next to an instance (`actions.py serve`): Django is set up once, each
    step runs as the admin or a command would, with the instances' settings."""

    def __init__(self, name: str, env: dict, folder: Path):
        self.name = name
        self.log = folder / f"{name}.log"
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603
                [PYTHON, "-m", "tests.system.actions", "serve"], cwd=ROOT, env=env,
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True,
            )  # fmt: skip

    def send(self, step: str, **arguments) -> None:
        self.process.stdin.write(json.dumps({"step": step, "args": arguments}) + "\n")
        self.process.stdin.flush()

    def receive(self):
        line = self.process.stdout.readline()
        if not line:
            pytest.fail(f"{self.name} ended\n{_tail(self.log)}")
        answer = json.loads(line)
        if "error" in answer:
            pytest.fail(f"{self.name}: step failed\n{answer['error']}")
        return answer["result"]

    def __call__(self, step: str, **arguments):
        self.send(step, **arguments)
        return self.receive()

    def command(self, *args: str, check: bool = True) -> dict:
        result = self("command", args=list(args))
        if check and result["returncode"] != 0:
            pytest.fail(f"manage.py {' '.join(args)} failed:\n{result}")
        return result

    def terminate(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log_tail(self) -> str:
        return f"--- {self.name} ({self.log}) ---\n{_tail(self.log)}"


def start_action(env: dict, name: str, **arguments) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603
        [PYTHON, "-m", "tests.system.actions", name, json.dumps(arguments)], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def wait_for(check, seconds: float, what: str, every: float = 0.2):
    """Poll `check()` until it returns something truthy; fail with `what` after `seconds`
    (a bound for a state to be reached, not a speed measurement)."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"not reached within {seconds:g} s: {what}")
        time.sleep(every)


@dataclass
class Cluster:
    """Two instances (A, B) and a task worker on one database and one Redis database."""

    env: dict
    a: Instance
    b: Instance
    worker: Process
    folder: Path
    shell_a: Shell | None = None
    shell_b: Shell | None = None

    @classmethod
    def start(cls, database_url: str, redis_url: str, *, workers: int = 2, **extra_env) -> Cluster:
        folder = Path(tempfile.mkdtemp(prefix="siyu-system-"))
        env = production_env(database_url, redis_url, folder / "data", **extra_env)
        a = Instance.create("instance-a", env, folder, workers)
        b = Instance.create("instance-b", env, folder, workers)
        cluster = cls(env, a, b, Process("worker", [], env, folder / "worker.log"), folder)
        a.start()
        b.start()
        cluster.worker = start_worker("worker", env, folder)
        cluster.shell_a = Shell("shell-a", env, folder)
        cluster.shell_b = Shell("shell-b", env, folder)
        try:
            a.wait_healthy()
            b.wait_healthy()
        except BaseException:
            cluster.stop()
            raise
        return cluster

    @property
    def instances(self) -> tuple[Instance, Instance]:
        return self.a, self.b

    def processes(self) -> list:
        return [p for p in (self.shell_a, self.shell_b, self.worker, self.a, self.b) if p]

    def logs(self) -> str:
        return "\n".join(p.log_tail() for p in self.processes())

    def stop(self) -> None:
        for process in self.processes():  # all at once, then wait for each
            process.terminate()
        for process in self.processes():
            process.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
