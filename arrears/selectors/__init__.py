"""Reads of the arrears app: ``indicators`` (figures for dashboards, API, briefings) and
``worklist`` (collection lists). Import the module you need; this package imports neither."""
