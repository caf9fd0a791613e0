"""The five role groups with their permissions, and the default business lines (SPEC §1, §2)."""

from django.db import migrations

from marketing_ops.permissions import ALL_ACTIONS, grant

CORE_MODELS = ("county", "businessline", "profile", "importjob", "briefing")

PERMISSIONS = {
    "city_admin": dict.fromkeys(CORE_MODELS, ALL_ACTIONS),
    "city_staff": {
        "county": ("view", "add", "change"),
        "businessline": ("view", "add", "change"),
        "importjob": ("view",),
        "briefing": ("view",),
    },
    "county_staff": {"county": ("view",), "businessline": ("view",), "importjob": ("view",)},
    "auditor": {"county": ("view",), "businessline": ("view",), "importjob": ("view",)},
    "manager": {"county": ("view",), "businessline": ("view",), "briefing": ("view",)},
}

DEFAULT_LINES = [
    # code, name, unit, deposit_required, uses_terminal, sort_order
    ("BROADBAND", "Broadband terminals", "households", True, True, 1),
    ("DEDICATED_LINE", "Broadband dedicated lines", "lines", True, True, 2),
    ("PUBLIC_PHONE", "Manned public phones", "phones", True, True, 3),
    ("FIXED_PHONE", "Ordinary phones", "households", False, False, 4),
]


def add_default_lines(apps, schema_editor):
    BusinessLine = apps.get_model("marketing_ops", "BusinessLine")
    for code, name, unit, deposit, terminal, order in DEFAULT_LINES:
        BusinessLine.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "unit": unit,
                "deposit_required": deposit,
                "uses_terminal": terminal,
                "sort_order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("marketing_ops", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(grant("marketing_ops", PERMISSIONS), migrations.RunPython.noop),
        migrations.RunPython(add_default_lines, migrations.RunPython.noop),
    ]
