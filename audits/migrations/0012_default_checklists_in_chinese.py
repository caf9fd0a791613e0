"""The default checklist items in Chinese: 0002 made them in English. Only an item whose text
is still a shipped English default is replaced; items city staff wrote or changed stay, and so
do the checks audits already copied (what their sign-offs signed)."""

from django.db import migrations

#: English default (as 0002 made it) → Chinese.
TEXTS = {
    "Refund details verified": "退费明细已核对",
    "Dismantle details verified": "拆机明细已核对",
    "The day's verification items worked": "当日核查事项已处理",
    "Arrears actions followed up": "欠费催缴动作已跟进",
    "False-user suspects reviewed": "疑似虚假用户已复核",
    "Cash-flow reconciliation signed": "现金流核对已签核",
    "Materials loop differences explained": "物资闭环差异已说明",
    "On-site verification done or planned": "现场核查已完成或已安排",
}


def items_in_chinese(apps, schema_editor):
    Item = apps.get_model("audits", "ChecklistItem")
    for english, chinese in TEXTS.items():
        Item.objects.filter(text=english).update(text=chinese)


def items_in_english(apps, schema_editor):
    Item = apps.get_model("audits", "ChecklistItem")
    for english, chinese in TEXTS.items():
        Item.objects.filter(text=chinese).update(text=english)


class Migration(migrations.Migration):
    dependencies = [("audits", "0011_field_verbose_names")]

    operations = [migrations.RunPython(items_in_chinese, items_in_english)]
