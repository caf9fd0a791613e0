"""Writes of the revenue app (docs/rules.md#annual-plan, #decomposition-to-counties, #phasing,
#monthly-reports, #progress-against-time-progress, #province-standing), one module per subject;
import the module you need
(``from revenue.services import plans, reports``)."""
