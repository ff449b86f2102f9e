"""One list of apps (``referral_hub/apps_list.py``); everything else is derived from it,
so a new app is one entry there."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.urls import get_resolver

from referral_hub.apps_list import LAYERS, PROJECT_APPS, app_modules
from referral_hub.management.commands import sync_layers
from referral_hub.management.commands.seed_demo import seeds

ROOT = Path(__file__).resolve().parents[2]


def test_every_app_folder_is_in_the_list():
    folders = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert folders == set(PROJECT_APPS)


def test_installed_apps_are_the_list_in_layer_order():
    installed = [config.name for config in apps.get_app_configs() if config.name in PROJECT_APPS]
    assert installed == list(PROJECT_APPS)
    assert settings.INSTALLED_APPS[-len(PROJECT_APPS) :] == list(PROJECT_APPS)


def test_pyproject_is_written_from_the_list():
    text = (ROOT / "pyproject.toml").read_text()
    assert sync_layers.render(text) == text, (
        "pyproject.toml is out of date: run `python manage.py sync_layers`"
    )
    tool = tomllib.loads(text)["tool"]
    assert tool["importlinter"]["root_packages"] == list(PROJECT_APPS)
    (layers,) = [c["layers"] for c in tool["importlinter"]["contracts"] if c["id"] == "layers"]
    assert [tuple(layer.split(" | ")) for layer in reversed(layers)] == list(LAYERS)
    assert tool["mypy"]["packages"] == list(PROJECT_APPS)


def test_sync_layers_puts_a_new_top_app_in_every_list():
    """What `manage.py sync_layers` writes for an app added to the list (here by hand)."""
    text = (ROOT / "pyproject.toml").read_text()
    tool = tomllib.loads(sync_layers.render(text, (*LAYERS, ("newapp",))))["tool"]
    assert tool["importlinter"]["root_packages"][-1] == "newapp"
    contracts = {c["id"]: c for c in tool["importlinter"]["contracts"]}
    assert contracts["layers"]["layers"][0] == "newapp"
    for contract in contracts.values():
        if contract["type"] == "forbidden":
            assert "newapp" in contract["forbidden_modules"], contract["id"]
    assert tool["mypy"]["packages"][-1] == "newapp"


def test_the_makefile_reads_the_list():
    done = subprocess.run(
        [sys.executable, "-m", "referral_hub.apps_list"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == list(PROJECT_APPS)
    assert "APPS = $(shell $(PY) -m referral_hub.apps_list)" in (ROOT / "Makefile").read_text()


def test_every_app_urlconf_is_mounted():
    """Each installed app's pages answer at the root URLconf, found from the list."""
    modules = app_modules("urls")
    assert [module.__name__ for module in modules] == [
        f"{app}.urls" for app in PROJECT_APPS[1:] if (ROOT / app / "urls.py").exists()
    ]
    names = {name for name in get_resolver().reverse_dict if isinstance(name, str)}
    for module in modules:
        for pattern in getattr(module, "urlpatterns", []):
            if getattr(pattern, "name", None):
                assert pattern.name in names, (module.__name__, pattern.name)


def test_demo_seeds_run_lowest_layer_first():
    order = [seed.__module__.split(".")[0] for seed in seeds()]
    assert order == [app for app in PROJECT_APPS if app in order]
    assert {"directory", "families", "consent", "referrals", "messaging", "intake", "indicators"} <= set(
        order
    )
