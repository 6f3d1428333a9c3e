"""Demo scripts: five of each kind per demo persona, plus a few drafts with lint findings.

The copy lives in demo_data/*.jsonl in the import format and goes through the importer, so the
demo also exercises import_content. Rows whose external_id already exists are skipped, so
running it again keeps whatever people changed.
"""

import io
import json
from pathlib import Path

from django.core.files.images import ImageFile
from wagtail.images import get_image_model

from personas import demo_images

from .import_run import import_rows
from .models import Script

DATA = Path(__file__).with_name("demo_data")


def _rows(name: str) -> list[tuple[int, dict]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [(number, json.loads(line)) for number, line in enumerate(lines, 1) if line.strip()]


def _image_titles(rows) -> set[str]:
    titles = set()
    for _number, row in rows:
        for message in row.get("messages") or []:
            if message.get("type") == "image" and message.get("title"):
                titles.add(message["title"])
            image = message.get("image")
            if isinstance(image, dict) and image.get("title"):
                titles.add(image["title"])
    return titles


def _ensure_images(titles: set[str]) -> None:
    Image = get_image_model()
    existing = set(Image.objects.filter(title__in=titles).values_list("title", flat=True))
    for index, title in enumerate(sorted(titles - existing)):
        image = Image(title=title)
        image.file = ImageFile(io.BytesIO(demo_images.picture(title)), name=f"demo-{index}.jpg")
        image.save()


def load(stdout) -> None:
    known = set(Script.objects.exclude(external_id=None).values_list("external_id", flat=True))
    summary = []
    for name, publish in (("scripts.jsonl", True), ("drafts.jsonl", False)):
        rows = [(n, row) for n, row in _rows(name) if row["external_id"] not in known]
        _ensure_images(_image_titles(rows))
        result = import_rows(rows, publish=publish)
        if not result.ok:
            raise RuntimeError("demo data is invalid: " + "; ".join(map(str, result.errors)))
        summary.append(f"{result.created} {'published' if publish else 'drafts'}")
    stdout.write(f"话术 scripts: {', '.join(summary)} created, {Script.objects.count()} in total.")
