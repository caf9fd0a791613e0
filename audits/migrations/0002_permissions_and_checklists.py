"""The role groups' admin permissions on the audits models, and the default checklists."""

from django.db import migrations

from marketing_ops.permissions import ALL_ACTIONS, grant

MODELS = (
    "holiday",
    "checklisttemplate",
    "checklistitem",
    "audit",
    "auditcheck",
    "signoff",
    "finding",
    "findingevent",
    "findingevidence",
)

PERMISSIONS = {
    "city_admin": dict.fromkeys(MODELS, ALL_ACTIONS),
    "city_staff": {
        "holiday": ALL_ACTIONS,
        "checklisttemplate": ("view", "add", "change"),
        "checklistitem": ALL_ACTIONS,
        "audit": ("view",),
        "auditcheck": ("view",),
        "signoff": ("view",),
        "finding": ("view",),
        "findingevent": ("view",),
        "findingevidence": ("view",),
    },
}

#: The defaults of docs/rules.md#audits, as they stood when this migration was written.
DEFAULT_CHECKLISTS = {
    "daily": (
        "Refund details verified",
        "Dismantle details verified",
        "The day's verification items worked",
    ),
    "weekly": ("Arrears actions followed up", "False-user suspects reviewed"),
    "monthly": (
        "Cash-flow reconciliation signed",
        "Materials loop differences explained",
        "On-site verification done or planned",
    ),
}


def add_checklists(apps, schema_editor):
    Template = apps.get_model("audits", "ChecklistTemplate")
    Item = apps.get_model("audits", "ChecklistItem")
    for cadence, texts in DEFAULT_CHECKLISTS.items():
        template, created = Template.objects.get_or_create(cadence=cadence)
        if created:
            for position, text in enumerate(texts, start=1):
                Item.objects.create(template=template, text=text, position=position)


class Migration(migrations.Migration):
    dependencies = [
        ("audits", "0001_initial"),
        ("marketing_ops", "0002_roles_and_default_lines"),
    ]

    operations = [
        migrations.RunPython(grant("audits", PERMISSIONS), migrations.RunPython.noop),
        migrations.RunPython(add_checklists, migrations.RunPython.noop),
    ]
