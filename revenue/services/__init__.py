"""Writes of the revenue app (SPEC §3.1-3.6): plans and phasing, reports and their workflow."""

from revenue.services.plans import *  # noqa: F401,F403
from revenue.services.reports import *  # noqa: F401,F403
