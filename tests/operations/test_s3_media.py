"""Media on S3 (`MEDIA_STORAGE=s3`: django-storages + boto3) against a real S3 endpoint: moto's
server on a loopback port. An uploaded image lands in the bucket, the API hands bots absolute
URLs that serve it, and a backup carries the bucket's files into an empty installation with an
empty bucket."""

import json
import urllib.request

import boto3
import pytest
from django.db import transaction

from bots.models import BotClient
from operations.backup import write_backup
from operations.restore import existing_content, restore_backup
from personas.models import Persona
from tests.editorial_calendar.factories import persona_on
from tests.personas.factories import ImageFactory

pytestmark = pytest.mark.django_db

BUCKET = "siyu-media"


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings):
    """An empty bucket and the settings production uses for it (site_config/settings/base.py)."""
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",  # noqa: S106 - moto accepts any
    )
    client.create_bucket(Bucket=BUCKET)
    public_read = {  # bots hand the URLs to WeChat: a public-read bucket (or a CDN domain)
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                       "Resource": f"arn:aws:s3:::{BUCKET}/*"}],
    }  # fmt: skip
    client.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(public_read))
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                "access_key": "test",
                "secret_key": "test",
                "location": "media",
                "querystring_auth": False,
                "addressing_style": "path",
                "file_overwrite": False,
            },
        },
    }
    yield client
    empty(client)
    client.delete_bucket(Bucket=BUCKET)


def empty(client) -> None:
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])


def keys(client) -> set[str]:
    return {item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


class _Rollback(Exception):
    pass


def _avatar(client, s3_endpoint, token) -> tuple[bytes, str, bytes]:
    """The persona as the API shows it, its avatar's URL and the bytes behind that URL."""
    response = client.get("/api/v1/personas/xiaomei/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200, response.content
    url = json.loads(response.content)["avatar"]["url"]
    with urllib.request.urlopen(url) as image:  # noqa: S310 - the loopback S3 endpoint
        return response.content, url, image.read()


def test_images_on_s3_are_served_by_absolute_url_and_survive_backup_and_restore(
    client, bucket, s3_endpoint, tmp_path
):
    archive = tmp_path / "b.zip"
    try:
        with transaction.atomic():
            image = ImageFactory()
            persona_on("wechat", avatar=image, name="小美", slug="xiaomei")
            _bot, token = BotClient.create("s3-test", all_personas=True)
            original = f"media/{image.file.name}"
            assert original in keys(bucket)  # uploaded through the storage
            body, url, served = _avatar(client, s3_endpoint, token)
            assert url.startswith(f"{s3_endpoint}/{BUCKET}/media/images/")  # absolute, on S3
            assert served[:4] == b"\x89PNG" or served[:2] == b"\xff\xd8"
            manifest = write_backup(archive)
            raise _Rollback
    except _Rollback:
        pass
    assert image.file.name in manifest["media"]
    empty(bucket)  # a new installation: empty database, empty bucket
    assert not existing_content().get("personas.persona") and not keys(bucket)

    restored = restore_backup(archive)
    assert restored["content_digest"] == manifest["content_digest"]
    assert original in keys(bucket)
    assert Persona.objects.get().avatar.file.name == image.file.name
    assert _avatar(client, s3_endpoint, token) == (body, url, served)
    again = write_backup(tmp_path / "again.zip")
    assert again["content_digest"] == manifest["content_digest"]
