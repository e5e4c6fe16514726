"""Outputs: what a programme's members gave and spent in a period, as figures and tables
(`selectors.figures`), as a reader sees them after disclosure control (`selectors.presented`), month
by month (`selectors.trend`), and kept by the background worker (`selectors.rollups` reads them,
`services` writes them)."""
