"""Writes of the revenue app (SPEC §3.1-3.6), one module per subject; import the module you need
(``from revenue.services import plans, reports``)."""
