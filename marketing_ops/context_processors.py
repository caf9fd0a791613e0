from typing import Any

from django.apps import apps
from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from marketing_ops.access import has_role, role_label, roles_of, user_county


def site(request: HttpRequest) -> dict[str, Any]:
    """City name, the user's county and roles, and the navigation their roles may use (an app's
    ``nav_items``, under one dropdown when the app names a ``nav_group``); when the page is
    printed (the print header of base.html)."""
    user = getattr(request, "user", None)
    context: dict[str, Any] = {"city_name": settings.CITY_NAME, "printed_at": timezone.now()}
    if not user or not user.is_authenticated:
        return context
    nav: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    for config in apps.get_app_configs():
        entries = []
        for label, url_name, roles in getattr(config, "nav_items", ()):
            if roles and not has_role(user, *roles):
                continue
            try:
                url = reverse(url_name)
            except NoReverseMatch:
                continue
            entries.append({"label": label, "url": url, "active": False})
        links.extend(entries)
        # An app with a ``nav_group`` shows its entries as one dropdown of that name.
        group = getattr(config, "nav_group", None)
        if group and len(entries) > 1:
            nav.append({"label": group, "children": entries, "active": False})
        else:
            nav.extend(entries)
    # The entry whose address is the longest prefix of this page is the active one (and its
    # dropdown with it).
    matches = [
        item for item in links if request.path.startswith(item["url"]) and item["url"] != "/"
    ]
    if matches:
        max(matches, key=lambda item: len(item["url"]))["active"] = True
        for entry in nav:
            entry["active"] = entry["active"] or any(
                child["active"] for child in entry.get("children", ())
            )
    roles = sorted(roles_of(user))
    context.update(
        nav_items=nav,
        user_county=user_county(user),
        user_roles=roles,
        user_role_names=[role_label(role) for role in roles],
    )
    return context
