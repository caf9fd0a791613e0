from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class MarketingOpsConfig(AppConfig):
    name = "marketing_ops"
    verbose_name = "Organisation"
    # Navigation entries: (label, url name, roles allowed or () for everyone logged in).
    nav_items = (("Imports", "imports", ()),)

    def ready(self) -> None:
        # Each app registers its datasets (imports.py) with the one upload pipeline.
        autodiscover_modules("imports")
        from marketing_ops.tables import cache_render_signatures

        cache_render_signatures()
