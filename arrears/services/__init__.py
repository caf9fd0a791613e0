"""Writes of the arrears app: ``bill_months`` (a month of bills), ``bill_totals`` (their month ×
county sums), ``accounts`` (an account's county and its bills), ``snapshots``, ``transfers`` and
``collection``. Their SQL plumbing lives in ``arrears.bulk``. Import the module you need."""
