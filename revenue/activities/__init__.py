"""Business development activities (SPEC §3.7): tariff packages, trainings and meetings,
marketing cases, field visits. Pages, API, admin and demo data of these live in this package;
their models in ``revenue/models/activities.py``."""
