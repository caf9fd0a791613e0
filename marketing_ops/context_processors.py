from typing import Any

from django.apps import apps
from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from marketing_ops.access import AnyUser, has_role, role_label, roles_of, user_county
from marketing_ops.work import cached_badges


def navigation(user: AnyUser, path: str, badges: dict[str, int] | None) -> list[dict[str, Any]]:
    """The entries of the navigation bar ``user``'s roles may use (an app's ``nav_items``, under
    one dropdown when the app names a ``nav_group``), the one for ``path`` marked active, each
    with its count of things waiting (``badges``: url name → count; None when not counted)."""
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
            count = badges.get(url_name, 0) if badges is not None else None
            entries.append(
                {"label": label, "name": url_name, "url": url, "active": False, "count": count}
            )
        links.extend(entries)
        # An app with a ``nav_group`` shows its entries as one dropdown of that name.
        group = getattr(config, "nav_group", None)
        if group and len(entries) > 1:
            count = sum(e["count"] for e in entries) if badges is not None else None
            nav.append({"label": group, "children": entries, "active": False, "count": count})
        else:
            nav.extend(entries)
    # The entry whose address is the longest prefix of this page is the active one (and its
    # dropdown with it).
    # "My work" (/) is a prefix of everything: only the start page itself marks it.
    matches = [
        item
        for item in links
        if (path.startswith(item["url"]) and item["url"] != "/") or path == item["url"]
    ]
    if matches:
        max(matches, key=lambda item: len(item["url"]))["active"] = True
        for entry in nav:
            entry["active"] = entry["active"] or any(
                child["active"] for child in entry.get("children", ())
            )
    return nav


def site(request: HttpRequest) -> dict[str, Any]:
    """City name, the user's county and roles, and the navigation their roles may use with the
    badges of their work as last counted (no query: ``marketing_ops.work``); when the page is
    printed (the print header of base.html)."""
    user = getattr(request, "user", None)
    context: dict[str, Any] = {"city_name": settings.CITY_NAME, "printed_at": timezone.now()}
    if not user or not user.is_authenticated:
        return context
    badges = cached_badges(user)
    roles = sorted(roles_of(user))
    context.update(
        nav_items=navigation(user, request.path, badges),
        # Not counted lately: the navigation asks for its badges once the page has loaded.
        nav_badges_pending=badges is None,
        user_county=user_county(user),
        user_roles=roles,
        user_role_names=[role_label(role) for role in roles],
    )
    return context
