"""Model permissions of the five role groups, granted by data migrations.

Roles are checked in code (``access.has_role``); these Django permissions are what the admin
site uses. Each app's migration grants its own models with ``grant``.
"""

from collections.abc import Callable, Iterable, Mapping
from typing import Any

ALL_ACTIONS = ("view", "add", "change", "delete")


def grant(app_label: str, mapping: Mapping[str, Mapping[str, Iterable[str]]]) -> Callable:
    """RunPython function: ``{role: {model_name: actions}}`` for models of ``app_label``."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        from django.contrib.auth.management import create_permissions

        # Permissions are normally created after migrate; make sure they exist now.
        config = apps.get_app_config(app_label)
        config.models_module = True
        create_permissions(config, verbosity=0, apps=apps)
        config.models_module = None
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
        for role, models in mapping.items():
            group, _ = Group.objects.get_or_create(name=role)
            codenames = [
                f"{action}_{model}" for model, actions in models.items() for action in actions
            ]
            perms = Permission.objects.filter(
                content_type__app_label=app_label, codename__in=codenames
            )
            group.permissions.add(*perms)

    return forwards
