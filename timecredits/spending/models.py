"""Offers and redemptions: what partner venues accept credits for, and each use of them."""
