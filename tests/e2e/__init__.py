"""The real processes, started for real: each test here runs them on a database of its own (an
SQLite file under a temporary folder, or a PostgreSQL cluster of its own), never on the suite's
test database, so CI runs this folder once, in its PostgreSQL run (.ci/run). A test that needs the
suite's database belongs elsewhere."""
