import importlib
from types import ModuleType

from django.apps import AppConfig, apps
from django.utils.module_loading import autodiscover_modules, module_has_submodule
from django.utils.translation import gettext_lazy as _


def app_modules(name: str) -> list[ModuleType]:
    """Each installed app's ``<app>.<name>`` module (``briefing``, ``demo``, ``home``), in the
    order of INSTALLED_APPS, for the apps that have one: how the core finds what every app adds
    without importing an app."""
    return [
        importlib.import_module(f"{config.name}.{name}")
        for config in apps.get_app_configs()
        if module_has_submodule(config.module, name)
    ]


class MarketingOpsConfig(AppConfig):
    name = "marketing_ops"
    verbose_name = _("Organisation")
    # Navigation entries: (label, url name, roles allowed or () for everyone logged in).
    nav_items = ((_("My work"), "home", ()), (_("Imports"), "imports", ()))

    def ready(self) -> None:
        # Each app registers its datasets (imports.py) with the one upload pipeline.
        autodiscover_modules("imports")
        from marketing_ops.tables import cache_render_signatures

        cache_render_signatures()
