"""The role groups' admin permissions on the refunds, dismantles and verification items."""

from django.db import migrations

from marketing_ops.permissions import ALL_ACTIONS, grant

MODELS = ("refundrecord", "dismantlerecord", "verificationitem")

PERMISSIONS = {
    "city_admin": dict.fromkeys(MODELS, ALL_ACTIONS),
    # Records arrive by import and items are worked on their pages: the admin only shows them.
    "city_staff": dict.fromkeys(MODELS, ("view",)),
}


class Migration(migrations.Migration):
    dependencies = [
        ("audits", "0008_cashflow_permissions"),
        ("marketing_ops", "0002_roles_and_default_lines"),
    ]

    operations = [
        migrations.RunPython(grant("audits", PERMISSIONS), migrations.RunPython.noop),
    ]
