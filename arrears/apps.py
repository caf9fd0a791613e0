from django.apps import AppConfig


class ArrearsConfig(AppConfig):
    name = "arrears"
    verbose_name = "Arrears"
    # Navigation entries: (label, url name, roles allowed or () for everyone logged in).
    nav_items: tuple[tuple[str, str, tuple[str, ...]], ...] = (
        ("Arrears", "arrears:dashboard", ()),
        ("Collection", "arrears:worklist", ()),
    )
