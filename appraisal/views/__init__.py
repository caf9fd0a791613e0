"""Appraisal pages."""
