"""The benchmarks' scratch databases: only names with the bench prefix are ever dropped."""

import pytest
from django.core.management.base import CommandError

from timecredits.bench.database import DATABASE_PREFIX, bench_database, database_drop


def test_a_database_outside_the_bench_prefix_is_never_dropped():
    with pytest.raises(CommandError, match="Refusing to drop 'timecredits'"):
        database_drop("timecredits")


def test_the_benchmarks_refuse_a_database_that_is_not_a_bench_one_on_postgresql(settings):
    with pytest.raises(CommandError) as refused:
        bench_database()

    assert str(refused.value) in {
        "The benchmark needs PostgreSQL: set DATABASE_URL.",
        f"The benchmark drops and recreates its database, so it only runs on one whose name "
        f"starts with {DATABASE_PREFIX!r}, not {settings.DATABASES['default']['NAME']!r}.",
    }
