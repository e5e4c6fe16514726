"""Writes about activities, sessions and contributions, one module per concern."""
