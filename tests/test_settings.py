"""Settings come from the environment; production refuses to start without a secret."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.cache import cache

ROOT = settings.BASE_DIR


def _start(settings_module: str, tmp_path, **env) -> subprocess.CompletedProcess:
    environ = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "DEBUG", "DATA_DIR", "DJANGO_SETTINGS_MODULE"}
    }
    environ.update(DJANGO_SETTINGS_MODULE=settings_module, DATA_DIR=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_without_secret_key_refuses_to_start_and_says_what_to_set(tmp_path):
    result = _start("site_config.settings.production", tmp_path, ALLOWED_HOSTS="cms.example.com")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_generates_a_secret_key_into_the_data_folder_once(tmp_path):
    assert _start("site_config.settings.dev", tmp_path).returncode == 0
    key = (tmp_path / "secret_key").read_text()
    assert len(key) >= 50
    assert _start("site_config.settings.dev", tmp_path).returncode == 0
    assert (tmp_path / "secret_key").read_text() == key


def test_invalid_debug_value_is_reported(tmp_path):
    result = _start("site_config.settings.dev", tmp_path, DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_database_url_selects_the_database():
    expected = os.environ.get("DATABASE_URL", "sqlite")
    engine = settings.DATABASES["default"]["ENGINE"]
    assert ("postgresql" in engine) == expected.startswith("postgres")


@pytest.mark.skipif(
    not settings.REDIS_URL, reason="REDIS_URL not set: the local-memory cache is used"
)
def test_redis_cache_round_trips_when_configured():
    # CI sets REDIS_URL for the PostgreSQL run: an unreachable Redis fails here, loudly.
    assert "RedisCache" in settings.CACHES["default"]["BACKEND"]
    cache.set("siyu-test-key", "会员日", 30)
    assert cache.get("siyu-test-key") == "会员日"
    cache.delete("siyu-test-key")


def test_invalid_rate_limit_is_reported(tmp_path):
    result = _start("site_config.settings.dev", tmp_path, API_RATE_LIMIT="lots")
    assert result.returncode != 0
    assert "API_RATE_LIMIT must look like 600/m" in result.stderr
    assert _start("site_config.settings.dev", tmp_path, API_RATE_LIMIT="100/5m").returncode == 0
