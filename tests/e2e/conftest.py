"""Headless Chromium (Debian's) driven by Playwright against pytest-django's live server.

One Chromium process serves the whole e2e package; each test opens a fresh context (cookies,
storage) in it. Every test runs in a real transaction (the live server answers from another
thread, on PostgreSQL from another connection) with serialized rollback, so the roles and the
workflow that data migrations create are back for the tests that follow.

Why Playwright is started per test, outside the test's database work: its sync API marks an
asyncio loop as running in this thread between calls. While that is so, Django refuses ORM
calls here (SynchronousOnlyOperation) and, worse, asgiref hands this thread a *different*
database connection (thread-critical locals switch to context storage when a loop runs): not the
in-memory SQLite connection shared with the live server, and one that does not see the
serialized-rollback data. DJANGO_ALLOW_ASYNC_UNSAFE would only silence the first symptom. So the
test data is made before Playwright starts, Playwright stops before pytest-django flushes, and
test bodies only drive the browser (an ORM call there fails loudly).
"""

import os
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .world import World, build_world

CHROMIUM = Path("/usr/bin/chromium")
INSTALL_HINT = (
    "run `.ci/ensure-browser` as root (it installs Debian's chromium, fonts-noto-cjk, "
    "fonts-noto-color-emoji and fontconfig with apt-get; `make browser` does the same), "
    "then `make test` again"
)
# Root needs --no-sandbox; the rest keep Chromium from calling home (the network is closed).
CHROMIUM_ARGS = [
    "--headless",
    # The browser's own UI language: date inputs read yyyy/mm/dd and its messages are Chinese.
    "--lang=zh-CN",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--mute-audio",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
]
STARTUP_SECONDS = 60
WAIT_MS = 20_000
# .ci/run runs its two passes side by side: each writes its own screenshots (E2E_PASS).
ARTIFACTS = (
    Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e" / os.environ.get("E2E_PASS", "")
)
VIEWPORT = {"width": 1440, "height": 900}
PASSWORD = "pw"  # what make_user (tests/conftest.py) gives every user


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="package")
def chromium() -> Iterator[str]:
    """Start Chromium once; its DevTools address (on loopback) is what the tests connect to."""
    if not CHROMIUM.exists():
        pytest.fail(f"The e2e tests need Chromium at {CHROMIUM}, which is missing: {INSTALL_HINT}.")
    # Without these, Chinese text and emoji are empty boxes on every screenshot.
    for query, what in ((":lang=zh-cn", "a Chinese font"), ("Noto Color Emoji", "an emoji font")):
        try:
            fonts = subprocess.run(  # noqa: S603 - fixed arguments
                ["/usr/bin/fc-list", query, "family"], capture_output=True, text=True, check=False
            ).stdout
        except FileNotFoundError:
            fonts = ""  # no fontconfig tools: installed by the same script
        if not fonts.strip():
            pytest.fail(f"The e2e tests need {what}, which is missing: {INSTALL_HINT}.")
    with tempfile.TemporaryDirectory(prefix="siyu-e2e-chromium-") as profile:
        port_file = Path(profile) / "DevToolsActivePort"
        # Its chatter goes to a file: a pipe nobody reads would fill up and stall Chromium.
        log = Path(profile) / "chromium.log"
        with log.open("wb") as output:
            process = subprocess.Popen(  # noqa: S603 - a fixed binary and fixed flags
                [str(CHROMIUM), f"--user-data-dir={profile}", *CHROMIUM_ARGS, "about:blank"],
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        try:
            deadline = time.monotonic() + STARTUP_SECONDS
            while not (port_file.exists() and port_file.read_text().strip()):
                if process.poll() is not None:
                    error = log.read_text(errors="replace")[-2000:]
                    pytest.fail(f"Chromium at {CHROMIUM} exited at start: {error}\n{INSTALL_HINT}.")
                if time.monotonic() > deadline:
                    pytest.fail(
                        f"Chromium at {CHROMIUM} did not open DevTools within {STARTUP_SECONDS} s."
                    )
                time.sleep(0.05)
            port = port_file.read_text().split()[0]
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def browser(chromium: str) -> Iterator[object]:
    """Playwright, connected to the package's Chromium for one test (see the module docstring)."""
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError as error:  # pragma: no cover - requirements.lock installs it
        pytest.fail(f"Playwright is not installed ({error}): run `make install`.")
    # How long a check may wait for the page to settle (not a timing assertion): generous, as
    # the two cores of CI are busy with the server and the browser at once.
    expect.set_options(timeout=WAIT_MS)
    playwright = sync_playwright().start()
    try:
        yield playwright.chromium.connect_over_cdp(chromium)
    finally:
        playwright.stop()  # ends the connection; the Chromium process stays for the next test


@dataclass
class Watch:
    """What went wrong while a page was shown: server errors fail the test, the rest is noted."""

    server_errors: list[str] = field(default_factory=list)
    script_errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


@pytest.fixture
def watch() -> Watch:
    return Watch()


@pytest.fixture
def page(world, browser, live_server, watch: Watch) -> Iterator[object]:
    # `world` first: the test data is written before Playwright starts (module docstring).
    origin = urlsplit(live_server.url).netloc
    context = browser.new_context(
        viewport=VIEWPORT, locale="zh-CN", timezone_id="Asia/Shanghai", base_url=live_server.url
    )
    context.set_default_timeout(WAIT_MS)

    def only_this_server(route) -> None:
        # Anything but the live server (Gravatar, CDNs) would wait on a closed network; it is
        # refused at once and written down, since a person offline would see it broken too.
        if urlsplit(route.request.url).netloc == origin or route.request.url.startswith("data:"):
            route.continue_()
        else:
            watch.blocked.append(route.request.url)
            route.abort("blockedbyclient")

    context.route("**/*", only_this_server)
    tab = context.new_page()
    tab.on(
        "response",
        lambda response: (
            response.status >= 500
            and watch.server_errors.append(f"{response.status} {response.url}")
        ),
    )
    tab.on("pageerror", lambda error: watch.script_errors.append(str(error)))
    tab.on(
        "requestfailed",
        lambda request: (
            urlsplit(request.url).netloc == origin
            and watch.failed.append(f"{request.url} ({request.failure})")
        ),
    )
    yield tab
    context.close()
    # Also for a screen no screenshot was taken of.
    assert watch.server_errors == [], f"server errors: {watch.server_errors}"
    assert watch.script_errors == [], f"script errors: {watch.script_errors}"


@pytest.fixture
def login(page):
    def log_in(username: str, password: str = PASSWORD) -> None:
        page.goto("/admin/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.locator("form button[type=submit], form input[type=submit]").first.click()
        page.wait_for_url("**/admin/")

    return log_in


def broken_images(page) -> list[str]:
    return page.eval_on_selector_all(
        "img",
        "imgs => imgs.filter(i => i.getClientRects().length && i.complete && !i.naturalWidth)"
        ".map(i => i.currentSrc || i.src || i.alt)",
    )


# Wagtail's admin scrolls inside its own panes, so a "full page" screenshot of the window stops
# at the fold: the window is made as tall as the tallest scrolling pane for the shot.
CONTENT_HEIGHT_JS = """() => Math.max(
    document.documentElement.scrollHeight,
    ...[...document.querySelectorAll("*")]
        .filter(e => ["auto", "scroll"].includes(getComputedStyle(e).overflowY))
        .map(e => e.scrollHeight + e.getBoundingClientRect().top))"""
MAX_SHOT_HEIGHT = 8000


@pytest.fixture
def shoot(page, watch: Watch):
    """Save a whole-page screenshot, note what looks broken, fail on server or script errors."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def screenshot(name: str) -> Path:
        page.wait_for_load_state("load")
        height = min(MAX_SHOT_HEIGHT, max(VIEWPORT["height"], page.evaluate(CONTENT_HEIGHT_JS)))
        page.set_viewport_size({"width": VIEWPORT["width"], "height": int(height)})
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        page.set_viewport_size(VIEWPORT)
        notes = [f"broken image: {src}" for src in broken_images(page)]
        notes += [f"blocked request: {url}" for url in watch.blocked]
        notes += [f"failed request: {what}" for what in watch.failed]
        findings = ARTIFACTS / f"{name}.txt"
        if notes:
            findings.write_text("\n".join(dict.fromkeys(notes)) + "\n", encoding="utf-8")
        else:
            findings.unlink(missing_ok=True)
        watch.blocked.clear()
        watch.failed.clear()
        assert watch.server_errors == [], f"server errors on {page.url}: {watch.server_errors}"
        assert watch.script_errors == [], f"script errors on {page.url}: {watch.script_errors}"
        body = page.locator("body").inner_text()
        assert "Server Error" not in body and "Traceback" not in body, body[:500]
        return path

    return screenshot


@pytest.fixture
def world(make_user) -> World:
    return build_world(make_user)
