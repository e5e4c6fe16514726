"""Writes about organisations, their offers and the redemptions of those offers."""
