"""The role groups' admin permissions on the cash-flow reconciliations and their sign-offs."""

from django.db import migrations

from marketing_ops.permissions import ALL_ACTIONS, grant

PERMISSIONS = {
    "city_admin": {"cashflowreconciliation": ALL_ACTIONS, "cashflowsignoff": ALL_ACTIONS},
    "city_staff": {"cashflowreconciliation": ("view",), "cashflowsignoff": ("view",)},
}


class Migration(migrations.Migration):
    dependencies = [
        ("audits", "0007_cashflow"),
    ]

    operations = [
        migrations.RunPython(grant("audits", PERMISSIONS), migrations.RunPython.noop),
    ]
