"""The reports' pages: outputs, outcomes, valuation and snapshots. Each parses its form, calls one
use case (`reports.use_cases`) and renders; `common` holds what they share."""
