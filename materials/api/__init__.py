"""The materials API (docs/api.md)."""
