"""Outcomes: what changed for members, from their survey answers (`selectors.figures`), and as a
reader sees it after disclosure control (`selectors.presented`). Nothing here writes."""
