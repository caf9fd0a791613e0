"""The role groups' admin permissions on the false-user cases and on-site verifications."""

from django.db import migrations

from marketing_ops.permissions import ALL_ACTIONS, grant

MODELS = ("falseusercase", "falseuserevent", "onsiteverification", "followup")

PERMISSIONS = {
    "city_admin": dict.fromkeys(MODELS, ALL_ACTIONS),
    "city_staff": dict.fromkeys(MODELS, ("view",)),
}


class Migration(migrations.Migration):
    dependencies = [
        ("audits", "0005_false_users_onsite"),
        ("marketing_ops", "0002_roles_and_default_lines"),
    ]

    operations = [
        migrations.RunPython(grant("audits", PERMISSIONS), migrations.RunPython.noop),
    ]
