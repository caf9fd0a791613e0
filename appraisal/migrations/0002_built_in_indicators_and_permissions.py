"""The built-in indicators' rows (docs/rules.md#appraisal-indicators) and the role groups'
admin permissions on the appraisal models."""

from django.db import migrations

from marketing_ops.permissions import ALL_ACTIONS, grant

#: As the built-in indicators stood when this migration was written (code, name, direction,
#: unit); MATERIAL_LOOP_GAPS is added by 0003.
BUILT_IN = (
    ("REVENUE_COMPLETION", "Revenue completion against time progress", "higher", "ratio"),
    ("VOLUME_COMPLETION", "Volume completion against time progress", "higher", "ratio"),
    ("ARREARS_RECOVERY", "Current-arrears recovery rate", "higher", "rate"),
    ("CHURN_RATE", "Churn rate", "lower", "rate"),
    ("RENEWAL_RATE", "Renewal rate", "higher", "rate"),
    ("ZERO_COST_SHARE", "Zero-cost users' share", "lower", "rate"),
    ("ZERO_COST_ACTIVATION", "Zero-cost users activated", "higher", "rate"),
    ("STOP_SHARE", "Single and double stops' share", "lower", "rate"),
    ("AUDIT_PASS_RATE", "Audit pass rate", "higher", "rate"),
)

MODELS = (
    "indicator",
    "appraisalmonth",
    "scheme",
    "schemeitem",
    "manualvalue",
    "score",
    "scorecard",
    "adjustment",
)

PERMISSIONS = {
    "city_admin": dict.fromkeys(MODELS, ALL_ACTIONS),
    # City staff work through the pages (services keep adjustments append-only).
    "city_staff": dict.fromkeys(MODELS, ("view",)),
}


def add_built_in(apps, schema_editor):
    Indicator = apps.get_model("appraisal", "Indicator")
    for code, name, direction, unit in BUILT_IN:
        Indicator.objects.update_or_create(
            code=code,
            defaults={"name": name, "direction": direction, "unit": unit, "built_in": True},
        )


class Migration(migrations.Migration):
    dependencies = [("appraisal", "0001_initial")]

    operations = [
        migrations.RunPython(add_built_in, migrations.RunPython.noop),
        migrations.RunPython(grant("appraisal", PERMISSIONS), migrations.RunPython.noop),
    ]
