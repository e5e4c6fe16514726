"""The benchmarks: commands that print figures (`ledger_bench`, `checkin_bench`, `reports_bench`),
each on a scratch PostgreSQL database of its own, and the helpers they share."""
