"""Reads of the audits app, one module per subject."""
