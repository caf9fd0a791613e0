"""Reads of the revenue app, one module per subject; import the module you need
(``from revenue.selectors import progress``)."""
