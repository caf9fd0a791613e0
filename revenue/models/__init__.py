"""Revenue models (docs/rules.md#revenue): plans and reports in ``plans.py``/``reports.py``
(revenue core),
business development activities in ``activities.py``."""

from revenue.models.activities import *  # noqa: F401,F403
from revenue.models.plans import *  # noqa: F401,F403
from revenue.models.reports import *  # noqa: F401,F403
