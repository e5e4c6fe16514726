"""Writes about spending: offers venues publish, and members' redemptions of them."""
