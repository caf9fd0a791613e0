"""Revenue models (SPEC §3): plans and reports in ``plans.py``/``reports.py`` (revenue core),
business development activities (§3.7) in ``activities.py``."""

from revenue.models.activities import *  # noqa: F401,F403
from revenue.models.plans import *  # noqa: F401,F403
from revenue.models.reports import *  # noqa: F401,F403
