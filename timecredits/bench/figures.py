"""What every benchmark command shares around its figures: the options that say where they go
and whether the scratch database stays, writing them as JSON, and the CPU that processes used."""

import json
import os
from pathlib import Path

from django.conf import settings


def add_output_arguments(parser, *, filename: str) -> None:
    """--output (var/bench/<filename> by default) and --keep-database."""
    parser.add_argument(
        "--output", default=str(Path(settings.BASE_DIR) / "var" / "bench" / filename)
    )
    parser.add_argument(
        "--keep-database", action="store_true", help="Leave the bench database for a look."
    )


def figures_write(path: str, results: dict) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(results, indent=2) + "\n")


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """CPU seconds (user and system) each local process has used; gone processes, or ones on
    another machine (a remote database server's), are left out."""
    used = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return used
