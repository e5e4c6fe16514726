"""The reports' use cases, called by the pages, the API and the worker: each takes the acting
user and plain values, loads what it needs, checks permission once and returns what the caller
renders (a page's parts, a report, or a `exports.Download`)."""
