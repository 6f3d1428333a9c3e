"""The system tests' databases: a copy of a migrated database on the same server, a dump into
another server, and plain queries (what an operator's psql would show)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def admin_connection(url: str):
    """An autocommit connection to the server's `postgres` database (CREATE/DROP DATABASE)."""
    import psycopg

    connection = psycopg.connect(with_database(url, "postgres"), autocommit=True, connect_timeout=5)
    return connection


def copy_database(url: str, template: str, name: str) -> str:
    """`name` as a copy of `template` (a migrated database) on the server of `url`: by CREATE
    DATABASE … TEMPLATE, or — when another session is connected to the template (say, the
    e2e tests' live server thread) — by pg_dump | psql."""
    import psycopg

    with admin_connection(url) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        try:
            connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            return with_database(url, name)
        except psycopg.errors.ObjectInUse:
            connection.execute(f'CREATE DATABASE "{name}"')
    dump_into(with_database(url, template), with_database(url, name))
    return with_database(url, name)


def drop_database(url: str, name: str) -> None:
    with admin_connection(url) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def dump_into(source_url: str, target_url: str) -> None:
    """Copy a database (schema and rows) into another server's empty database."""
    bin_dir = Path(shutil.which("pg_dump") or "/usr/bin/pg_dump").parent
    dump = subprocess.run(  # noqa: S603
        [str(bin_dir / "pg_dump"), "--no-owner", "--no-privileges", "-d", source_url],
        capture_output=True, check=False,
    )  # fmt: skip
    if dump.returncode != 0:
        pytest.fail(f"pg_dump failed: {dump.stderr.decode(errors='replace')}")
    load = subprocess.run(  # noqa: S603
        [str(bin_dir / "psql"), "-q", "-v", "ON_ERROR_STOP=1", "-d", target_url],
        input=dump.stdout, capture_output=True, check=False,
    )  # fmt: skip
    if load.returncode != 0:
        pytest.fail(f"psql could not load the dump: {load.stderr.decode(errors='replace')}")


def sql(url: str, query: str, params: tuple = ()) -> list[tuple]:
    """Rows of one query on the instances' database (what an operator's psql would show)."""
    import psycopg

    with psycopg.connect(url, autocommit=True, connect_timeout=5) as connection:
        cursor = connection.execute(query, params)
        return cursor.fetchall() if cursor.description else []
