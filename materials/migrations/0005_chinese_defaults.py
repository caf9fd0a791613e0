"""The shipped defaults in Chinese: the city store 0002 made as "City central store" is named
市公司中心库 (unless city staff renamed it), and a new item's unit defaults to 个 (pieces)."""

from django.db import migrations, models

ENGLISH_STORE = "City central store"
CHINESE_STORE = "市公司中心库"


def store_in_chinese(apps, schema_editor):
    Warehouse = apps.get_model("materials", "Warehouse")
    Warehouse.objects.filter(code="CITY", name=ENGLISH_STORE).update(name=CHINESE_STORE)


def store_in_english(apps, schema_editor):
    Warehouse = apps.get_model("materials", "Warehouse")
    Warehouse.objects.filter(code="CITY", name=CHINESE_STORE).update(name=ENGLISH_STORE)


class Migration(migrations.Migration):
    dependencies = [("materials", "0004_loop_month_index")]

    operations = [
        migrations.AlterField(
            model_name="item",
            name="unit",
            field=models.CharField(default="个", max_length=20, verbose_name="unit"),
        ),
        migrations.RunPython(store_in_chinese, store_in_english),
    ]
