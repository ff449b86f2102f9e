"""The one list of the project's apps, in layers, lowest first.

Everything else is derived from it: ``INSTALLED_APPS`` (settings), the routes (each app's
own ``urls`` module, mounted in this order), the demo seed (each app's ``demo.seed``, in
this order), the Makefile's ``APPS``, and the import contracts in ``pyproject.toml``
(``scripts/sync_layers.py`` writes them; a test fails when they differ). An app may use,
import or name (templates, URL names, settings) only apps in lower layers; apps in one
layer are independent of each other. A new app is one entry here.
"""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec
from types import ModuleType

LAYERS: tuple[tuple[str, ...], ...] = (
    ("referral_hub",),
    ("outbox",),
    ("people",),
    ("audit", "notices"),
    ("directory", "families"),
    ("endorsement", "consent"),
    ("cases", "groups"),
    ("referrals",),
    ("messaging", "intake"),
    ("indicators",),
)

#: Every app, lowest layer first (the order ``INSTALLED_APPS``, the routes and the demo
#: seed use).
PROJECT_APPS: tuple[str, ...] = tuple(app for layer in LAYERS for app in layer)


def layer_of(app: str) -> int:
    """The layer number of ``app`` (0 is the base); KeyError for an app not listed."""
    for number, layer in enumerate(LAYERS):
        if app in layer:
            return number
    raise KeyError(app)


def may_name(app: str, other: str) -> bool:
    """Whether ``app`` may import or name ``other``: itself or any app in a lower layer."""
    return app == other or layer_of(other) < layer_of(app)


def app_modules(module: str) -> list[ModuleType]:
    """Each installed app's ``<app>.<module>`` (its ``urls``, ``routing``, ``demo``...),
    lowest layer first; apps without one are skipped. The base's own is not included."""
    from django.apps import apps

    installed = {config.name for config in apps.get_app_configs()}
    return [
        import_module(f"{app}.{module}")
        for app in PROJECT_APPS[1:]
        if app in installed and find_spec(f"{app}.{module}") is not None
    ]


if __name__ == "__main__":  # the Makefile reads the list: `python -m referral_hub.apps_list`
    print(" ".join(PROJECT_APPS))
