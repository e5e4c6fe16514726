"""Writes about organisations: applications, details, staff and invitations."""
