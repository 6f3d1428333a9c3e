"""The test suite: fast hashing, an isolated data folder, tasks run inline (tests that prove
the request only queues switch to the database backend themselves)."""

import os
import tempfile

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-used-anywhere-else-0123456789")
os.environ["DATA_DIR"] = tempfile.mkdtemp(prefix="siyu-test-data-")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# The database backend rolls back with each test; Whoosh tests point at their own folder.
os.environ.setdefault("SEARCH_BACKEND", "database")

from .base import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
WAGTAILADMIN_BASE_URL = "http://testserver"
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default", "webhooks"],
    }
}
