"""The registry store: source records, golden records, provenance, quarantine, runs (design §6)."""
