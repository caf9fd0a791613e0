"""Arrears pages (docs/rules.md#arrears): dashboard, collection work, transfers. Every table
exports to xlsx."""

from arrears.views.collection import account_detail, promises, top_overdue, worklist
from arrears.views.dashboard import dashboard
from arrears.views.transfers import transfers

__all__ = ["account_detail", "dashboard", "promises", "top_overdue", "transfers", "worklist"]
