"""What the benchmark commands share around their figures."""

import argparse
import json
import os

from timecredits.bench.figures import add_output_arguments, cpu_seconds, figures_write


def test_figures_go_to_var_bench_unless_told_and_the_database_is_dropped_unless_kept(settings):
    parser = argparse.ArgumentParser()
    add_output_arguments(parser, filename="ledger.json")

    default, kept = parser.parse_args([]), parser.parse_args(["--keep-database", "--output", "x"])

    assert default.output == str(settings.BASE_DIR / "var" / "bench" / "ledger.json")
    assert default.keep_database is False
    assert (kept.output, kept.keep_database) == ("x", True)


def test_figures_are_written_as_json_in_a_folder_made_for_them(tmp_path):
    path = tmp_path / "bench" / "figures.json"

    figures_write(str(path), {"ratio": 0.5})

    assert json.loads(path.read_text()) == {"ratio": 0.5}


def test_cpu_seconds_counts_this_process_and_leaves_out_one_that_is_gone():
    used = cpu_seconds([os.getpid(), 2**22 + 1])

    assert list(used) == [os.getpid()]
    assert used[os.getpid()] >= 0
