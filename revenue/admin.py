import revenue.activities.admin  # noqa: F401  (registers the activities)
