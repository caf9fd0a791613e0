"""Admin registrations of the activities (imported by revenue/admin.py)."""
