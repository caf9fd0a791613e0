from django.apps import AppConfig


class ArrearsConfig(AppConfig):
    name = "arrears"
    verbose_name = "Arrears"
    # Navigation entries: (label, url name, roles allowed or () for everyone logged in).
    nav_items: tuple[tuple[str, str, tuple[str, ...]], ...] = (
        ("Arrears", "arrears:dashboard", ()),
        ("Collection", "arrears:worklist", ()),
    )

    def ready(self) -> None:
        # One-bill saves and deletes (admin, the ORM, an account's cascade) keep the month ×
        # county totals in step; bulk writes refresh them themselves. Why a signal here, the one
        # the project has: see "one-bill writes" in arrears.services.bill_totals.
        from django.db.models.signals import post_delete, post_save

        from arrears.models import Bill
        from arrears.services import bill_totals

        post_save.connect(bill_totals.bill_saved, sender=Bill, dispatch_uid="bill_totals_saved")
        post_delete.connect(
            bill_totals.bill_deleted, sender=Bill, dispatch_uid="bill_totals_deleted"
        )
