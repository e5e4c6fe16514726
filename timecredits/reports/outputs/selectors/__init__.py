"""Reads of the outputs: nothing here writes (see `reports.outputs.services` for the rollups)."""
