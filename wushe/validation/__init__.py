"""Validation: rules with stable ids, run per batch; failing rows go to quarantine (design §7)."""
