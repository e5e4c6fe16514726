"""Writes about credits once earned: gifts and donations, retirement, expiry."""
