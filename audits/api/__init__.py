"""API of the audits app (/api/v1/audits/)."""
