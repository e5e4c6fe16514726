"""The benchmarks' scratch databases: only names starting with `timecredits_bench` are ever
created, migrated and dropped, so a developer's data is never touched."""

import contextlib
from collections.abc import Iterator

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection

DATABASE_PREFIX = "timecredits_bench"


def bench_database() -> dict:
    """The default database's settings, once it is a PostgreSQL one with the bench prefix."""
    database = settings.DATABASES["default"]
    if connection.vendor != "postgresql":
        raise CommandError("The benchmark needs PostgreSQL: set DATABASE_URL.")
    if not database["NAME"].startswith(DATABASE_PREFIX):
        raise CommandError(
            f"The benchmark drops and recreates its database, so it only runs on one whose name "
            f"starts with {DATABASE_PREFIX!r}, not {database['NAME']!r}."
        )
    return database


@contextlib.contextmanager
def fresh_database(database: dict, *, write, keep: bool) -> Iterator[None]:
    """Recreate and migrate the bench database; drop it afterwards unless asked to keep it."""
    write(f"Recreating {database['NAME']} and migrating it.")
    database_recreate(database["NAME"])
    try:
        call_command("migrate", verbosity=0, interactive=False)
        yield
    finally:
        if not keep:
            connection.close()
            database_drop(database["NAME"])


def libpq_env(database: dict) -> dict:
    """The environment that points libpq's tools (pgbench) at the same server."""
    names = {"HOST": "PGHOST", "PORT": "PGPORT", "USER": "PGUSER", "PASSWORD": "PGPASSWORD"}
    return {env: str(database[key]) for key, env in names.items() if database.get(key)}


def database_recreate(name: str) -> None:
    connection.close()
    database_drop(name)
    _admin(f'CREATE DATABASE "{name}"')


def database_drop(name: str) -> None:
    if not name.startswith(DATABASE_PREFIX):
        raise CommandError(f"Refusing to drop {name!r}.")
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def checkpoint() -> None:
    """Start a measurement with no checkpoint owed, as far as the server lets this user ask."""
    # Only superusers may; without it the figures are just noisier.
    with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")


def _admin(statement: str) -> None:
    """Run one statement on the server's maintenance database, outside any transaction."""
    import psycopg
    from psycopg import sql

    database = settings.DATABASES["default"]
    with psycopg.connect(
        dbname="postgres",
        host=database.get("HOST") or None,
        port=database.get("PORT") or None,
        user=database.get("USER") or None,
        password=database.get("PASSWORD") or None,
        autocommit=True,
    ) as admin:
        admin.execute(sql.SQL(statement))
