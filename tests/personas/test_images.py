"""Avatars, covers and QR codes are Wagtail images: bad uploads are refused with a clear error."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.images import get_image_model

pytestmark = pytest.mark.django_db

ADD_URL = reverse("wagtailimages:add")


def _png(size=(64, 64)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, "pink").save(buffer, "PNG")
    return buffer.getvalue()


def test_copywriter_uploads_an_avatar(copywriter_client):
    upload = SimpleUploadedFile("avatar.png", _png(), content_type="image/png")
    response = copywriter_client.post(ADD_URL, {"title": "小美头像", "file": upload})
    assert response.status_code == 302
    assert get_image_model().objects.filter(title="小美头像").exists()


def test_a_text_file_named_png_is_refused(copywriter_client):
    upload = SimpleUploadedFile("avatar.png", b"not an image at all", content_type="image/png")
    response = copywriter_client.post(ADD_URL, {"title": "假图片", "file": upload})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not get_image_model().objects.exists()


def test_an_oversized_upload_is_refused(copywriter_client, settings):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 1024
    upload = SimpleUploadedFile("big.png", _png((600, 600)), content_type="image/png")
    response = copywriter_client.post(ADD_URL, {"title": "太大", "file": upload})
    assert response.status_code == 200
    assert "file" in response.context["form"].errors
    assert not get_image_model().objects.exists()
