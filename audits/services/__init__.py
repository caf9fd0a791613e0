"""Writes of the audits app, one module per subject."""
