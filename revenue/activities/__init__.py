"""Business development activities (docs/rules.md#business-development-activities): tariff
packages, trainings and meetings,
marketing cases, field visits. Pages, API, admin and demo data of these live in this package;
their models in ``revenue/models/activities.py``."""
