"""The materials API (SPEC §10)."""
