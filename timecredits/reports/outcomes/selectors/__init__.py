"""Reads of the outcomes: members' answers counted, then suppressed for the reader."""
