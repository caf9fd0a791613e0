"""Appraisal API (docs/api.md#appraisal)."""
