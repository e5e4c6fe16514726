"""The optional valuation: the programme's own proxy values (`services` add and remove them) and
the estimates made from them (`selectors`)."""
