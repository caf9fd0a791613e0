"""The default business lines in Chinese, as a Chinese branch names them: 0002 seeded them in
English. Only a line still carrying its shipped English name (or unit) is renamed; a name or
unit city staff changed stays as they left it. The unit's default becomes 户 (households)."""

from django.db import migrations, models

#: code → (English name as 0002 seeded it, Chinese name)
NAMES = {
    "BROADBAND": ("Broadband terminals", "宽带"),
    "DEDICATED_LINE": ("Broadband dedicated lines", "宽带专线"),
    "PUBLIC_PHONE": ("Manned public phones", "公用电话"),
    "FIXED_PHONE": ("Ordinary phones", "固话"),
}
#: code → (English unit as 0002 seeded it, Chinese unit)
UNITS = {
    "BROADBAND": ("households", "户"),
    "DEDICATED_LINE": ("lines", "条"),
    "PUBLIC_PHONE": ("phones", "部"),
    "FIXED_PHONE": ("households", "户"),
}


def lines_in_chinese(apps, schema_editor):
    BusinessLine = apps.get_model("marketing_ops", "BusinessLine")
    for code, (english, chinese) in NAMES.items():
        BusinessLine.objects.filter(code=code, name=english).update(name=chinese)
    for code, (english, chinese) in UNITS.items():
        BusinessLine.objects.filter(code=code, unit=english).update(unit=chinese)


def lines_in_english(apps, schema_editor):
    BusinessLine = apps.get_model("marketing_ops", "BusinessLine")
    for code, (english, chinese) in NAMES.items():
        BusinessLine.objects.filter(code=code, name=chinese).update(name=english)
    for code, (english, chinese) in UNITS.items():
        BusinessLine.objects.filter(code=code, unit=chinese).update(unit=english)


class Migration(migrations.Migration):
    dependencies = [("marketing_ops", "0006_field_and_model_names")]

    operations = [
        migrations.AlterField(
            model_name="businessline",
            name="unit",
            field=models.CharField(default="户", max_length=30, verbose_name="unit"),
        ),
        migrations.RunPython(lines_in_chinese, lines_in_english),
    ]
