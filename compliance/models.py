"""Compliance data (rules, overrides, publish records) lives here."""
