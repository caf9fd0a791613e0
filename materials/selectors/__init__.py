"""Reads of the materials app, one module per subject."""
