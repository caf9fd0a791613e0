"""Pages of the revenue app, one module per subject: dashboards, reports, plans, standings."""
