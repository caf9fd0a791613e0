"""Business development activities (SPEC §3.7)."""

from django.db import models  # noqa: F401

__all__: list[str] = []
