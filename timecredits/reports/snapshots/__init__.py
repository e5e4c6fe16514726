"""Monthly snapshots: a programme's report for one calendar month, built in the background
(`services`) and kept exactly as it was generated (`selectors` read them)."""
