"""Steps the system tests run in a process of their own with the instances' settings (as an
editor's save in the admin or an operator's shell would).

`python -m tests.system.actions NAME '{json arguments}'` runs one step and prints its JSON
answer; `python -m tests.system.actions serve` is a shell that stays up (Django is set up once)
and answers one JSON line `{"step": NAME, "args": {...}}` per request with one JSON line
`{"result": ...}` or `{"error": "traceback"}`. Step `command` runs a management command.

Publishing goes through Wagtail's revision publish, the path the admin's publish button takes
(signals, webhooks, queued index updates and all).
"""

from __future__ import annotations

import io
import json
import sys
import time
import traceback
from pathlib import Path


def setup(personas: list[dict], clients: list[str], scripts: list[dict]) -> dict:
    """Published personas, bot clients that see all of them, published moment scripts."""
    from bots.models import BotClient
    from tests.content.factories import MomentScriptFactory
    from tests.personas.factories import PersonaFactory

    made = {p["slug"]: PersonaFactory(**p) for p in personas}
    tokens = {name: BotClient.create(name, all_personas=True)[1] for name in clients}
    ids = {}
    for item in scripts:
        persona = made[item.pop("persona")]
        script = MomentScriptFactory(persona=persona, **item)
        ids[script.title] = script.pk
    return {"tokens": tokens, "scripts": ids}


def publish(title: str, persona: str, text: str = "") -> dict:
    """A new moment script, saved as a revision and published (as the admin's publish)."""
    from content.models import MomentScript
    from personas.models import Persona

    script = MomentScript(
        persona=Persona.objects.get(slug=persona),
        title=title,
        stage="attract",
        messages=[("text", text or f"宝子们，{title}来啦～")],
    )
    script.live = False
    script.save()
    script.save_revision().publish()
    return {"id": script.pk}


def republish(pk: int, title: str, barrier: str = "", parties: int = 1) -> dict:
    """A new revision of script `pk` with another title, published. With `barrier` (a folder),
    waits until `parties` processes have reached this point, so that they publish at once."""
    from django.db import connection

    from content.models import Script

    script = Script.objects.get(pk=pk).as_kind()
    connection.ensure_connection()
    if barrier:
        folder = Path(barrier)
        (folder / title).touch()
        deadline = time.monotonic() + 120
        while len(list(folder.iterdir())) < parties and time.monotonic() < deadline:
            time.sleep(0.01)
    script.title = title
    script.messages = [("text", f"{title}：宝子们看这里")]
    revision = script.save_revision()
    revision.publish()
    return {"revision": revision.pk}


def webhook(client: str, url: str) -> dict:
    from bots.models import BotClient, Webhook

    hook = Webhook.objects.create(client=BotClient.objects.get(name=client), url=url)
    return {"id": hook.pk}


def import_job(path: str, publish: bool = False) -> dict:
    """Upload a file in the admin's import (话术库 → 导入) as a superuser: the job is queued."""
    from django.contrib.auth import get_user_model

    from content import import_jobs

    user, _created = get_user_model().objects.get_or_create(
        username="importer", defaults={"is_superuser": True, "is_staff": True}
    )
    file = Path(path)
    job = import_jobs.start(user=user, name=file.name, data=file.read_bytes(), publish=publish)
    return {"id": job.pk}


def import_job_status(pk: int) -> dict:
    """What the job page's status view answers."""
    from content import import_jobs
    from content.models import ImportJob

    return import_jobs.progress(ImportJob.objects.defer("data").get(pk=pk))


def import_job_post(pk: int) -> dict:
    """The job page's button: 现在导入 (import now) or, after an interruption, 再试一次."""
    from content import import_jobs
    from content.models import ImportJob

    job = ImportJob.objects.defer("data").get(pk=pk)
    started = import_jobs.retry(job) if job.state == "interrupted" else import_jobs.confirm(job)
    return {"started": started}


def delete_scripts(external_id_prefix: str) -> dict:
    """Delete the scripts an import made (their index entries go with them)."""
    from content.models import Script

    deleted, _by_model = Script.objects.filter(external_id__startswith=external_id_prefix).delete()
    return {"deleted": deleted}


def command(args: list[str]) -> dict:
    """A management command as an operator runs it: its exit code and output."""
    from django.core.management import CommandError, call_command

    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
        code = 0
    except CommandError as error:
        err.write(str(error))
        code = error.returncode
    return {"returncode": code, "stdout": out.getvalue(), "stderr": err.getvalue()}


STEPS = {
    "setup": setup,
    "publish": publish,
    "republish": republish,
    "webhook": webhook,
    "command": command,
    "import_job": import_job,
    "import_job_status": import_job_status,
    "import_job_post": import_job_post,
    "delete_scripts": delete_scripts,
}


def serve() -> None:
    from django.db import close_old_connections, connections

    out = sys.stdout
    sys.stdout = sys.stderr  # only answers on the real stdout
    for line in sys.stdin:
        request = json.loads(line)
        try:
            answer = {"result": STEPS[request["step"]](**request.get("args", {}))}
        except Exception:  # noqa: BLE001 - reported to the test
            answer = {"error": traceback.format_exc()}
        # Like a request's end: the next step starts on a fresh connection if the server went.
        close_old_connections()
        connections.close_all()
        out.write(json.dumps(answer, ensure_ascii=False) + "\n")
        out.flush()


def main() -> None:
    import django

    django.setup()
    if sys.argv[1] == "serve":
        serve()
        return
    name, arguments = sys.argv[1], json.loads(sys.argv[2] if len(sys.argv) > 2 else "{}")
    sys.stdout.write(json.dumps(STEPS[name](**arguments), ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
