"""Annual plans, decomposition, phasing, monthly reports, province standing (SPEC §3.1-3.6)."""

from django.db import models  # noqa: F401

__all__: list[str] = []
