"""The README's quick start for bot developers works as typed on a fresh demo.

The commands live in examples/quickstart.sh (the README shows the same lines). They run in bash
with the real curl against a live server holding the demo; only the token line runs in-process,
since a `manage.py` subprocess would open the real database instead of the test one.
"""

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

SCRIPT = Path(settings.BASE_DIR, "examples/quickstart.sh")
TOKEN_LINE = re.compile(r"^TOKEN=\$\((?P<command>\.venv/bin/python manage\.py [^|]+)\| tail -1\)$")
# Every response is shown; curl fails the script (set -e) on any HTTP status >= 400.
PRELUDE = 'set -euo pipefail\ncurl() { command curl --fail-with-body "$@"; echo; }\n'


def _commands() -> list[str]:
    return [line for line in SCRIPT.read_text(encoding="utf-8").splitlines() if line.strip()]


def _readme_block() -> str:
    readme = Path(settings.BASE_DIR, "README.md").read_text(encoding="utf-8")
    section = readme.split("## For bot developers", 1)[1]
    return section.split("```sh\n", 1)[1].split("```", 1)[0]


@pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_quick_start_runs_as_typed_on_a_fresh_demo(live_server):
    call_command("load_demo", stdout=io.StringIO())
    lines = [line for line in _commands() if not line.startswith("#")]
    token_command = TOKEN_LINE.match(lines[0])
    assert token_command, "the quick start begins by creating a token"
    out = io.StringIO()
    call_command(*token_command["command"].split()[2:], stdout=out)
    token = out.getvalue().strip().splitlines()[-1]
    body = "\n".join(lines[1:]).replace("http://127.0.0.1:8000", live_server.url)
    result = subprocess.run(  # noqa: S603 - bash with our own script
        ["/bin/bash", "-c", PRELUDE + f"TOKEN={token}\n" + body],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=settings.BASE_DIR,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    output = result.stdout
    assert '"slug":"xiaomei"' in output.replace(" ", "")
    assert "会员日" in output  # the tag list, the script, and the search for 會員日
    assert "<mark>会员日</mark>" in output
    assert '"accepted":1' in output.replace(" ", "")


def test_the_readme_shows_the_tested_quick_start():
    tested = [line for line in _commands() if not line.startswith("#")]
    assert _readme_block().strip().splitlines() == tested


def test_the_readme_links_only_to_files_inside_the_clone():
    readme = Path(settings.BASE_DIR, "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)#]+)\)|`(\.\./[^`]+|docs/[^`]+\.md)`", readme)
    for target in (a or b for a, b in targets):
        if "://" in target:
            continue
        path = (Path(settings.BASE_DIR) / target).resolve()
        assert path.is_relative_to(Path(settings.BASE_DIR).resolve()) and path.exists(), target
