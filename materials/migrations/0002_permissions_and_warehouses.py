"""The role groups' admin permissions on the materials models, and a warehouse for every
county that existed before the app (the city store too); later counties get theirs when they
are made (materials/services/warehouses.py)."""

from django.db import migrations

from marketing_ops.permissions import ALL_ACTIONS, grant

MODELS = (
    "warehouse",
    "item",
    "stockmove",
    "stockbalance",
    "terminal",
    "deposit",
    "refusedmove",
    "dailyoperation",
    "loopexplanation",
    "stockcount",
    "stockcountline",
    "stockcountserial",
    "randomcheck",
    "randomcheckline",
)

# The ledger is append-only: nobody changes or deletes a move or a balance in the admin, not
# even city admins (a mistake is corrected by a reversal through the move service).
LEDGER = ("stockmove", "stockbalance", "terminal", "refusedmove")

PERMISSIONS = {
    "city_admin": {model: ("view",) if model in LEDGER else ALL_ACTIONS for model in MODELS},
    "city_staff": {
        **dict.fromkeys(MODELS, ("view",)),
        "item": ("view", "add", "change"),
    },
}


def add_warehouses(apps, schema_editor):
    County = apps.get_model("marketing_ops", "County")
    Warehouse = apps.get_model("materials", "Warehouse")
    if not Warehouse.objects.filter(code="CITY").exists():
        Warehouse.objects.create(code="CITY", name="City central store", county=None)
    Warehouse.objects.bulk_create(
        [
            Warehouse(code=county.code, name=county.name, county=county)
            for county in County.objects.filter(warehouse__isnull=True).exclude(code="CITY")
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("materials", "0001_initial"),
        ("marketing_ops", "0002_roles_and_default_lines"),
    ]

    operations = [
        migrations.RunPython(grant("materials", PERMISSIONS), migrations.RunPython.noop),
        migrations.RunPython(add_warehouses, migrations.RunPython.noop),
    ]
