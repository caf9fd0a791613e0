"""The built-in indicator ``MATERIAL_LOOP_GAPS`` (docs/rules.md#appraisal-indicators), added
when the materials app joined: the county's closed-loop differences of the month not accepted."""

from django.db import migrations

ROW = ("MATERIAL_LOOP_GAPS", "Closed-loop differences not accepted", "lower", "count")


def add_material_loop_gaps(apps, schema_editor):
    Indicator = apps.get_model("appraisal", "Indicator")
    code, name, direction, unit = ROW
    Indicator.objects.update_or_create(
        code=code,
        defaults={"name": name, "direction": direction, "unit": unit, "built_in": True},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("appraisal", "0002_built_in_indicators_and_permissions"),
        ("materials", "0004_loop_month_index"),
    ]

    operations = [migrations.RunPython(add_material_loop_gaps, migrations.RunPython.noop)]
