"""The layers hold outside Python imports too (import-linter reads only imports).

An app may name only itself and apps in lower layers (``referral_hub/apps_list.py``, the
one list): in its templates (``{% include %}``, ``{% extends %}``, ``{% url %}``,
``{% static %}``), in the
URL names its Python reverses (``reverse``, ``reverse_lazy``, ``redirect``,
``resolve_url``, and ``url_name=`` of the registries), and the base in its settings and
root URLconf (dotted paths). A lower app offers an extension point instead (``referral_hub/extensions.py``)
and the app above fills it in ``ready()``.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.urls import URLPattern, URLResolver

from referral_hub import extensions
from referral_hub import urls as root_urls
from referral_hub.apps_list import LAYERS, PROJECT_APPS, may_name

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_TAG = re.compile(r"""{%-?\s*(include|extends|url|static)\s+(["'])(?P<name>[^"']+)\2""")
REVERSERS = {"reverse", "reverse_lazy", "redirect", "resolve_url"}
DOTTED = re.compile(r"^(?P<app>[a-z_][a-z0-9_]*)(\.[A-Za-z_][A-Za-z0-9_]*)+$")
URLCONF_ATTRS = ("urlpatterns", "api_urlpatterns", "fhir_urlpatterns", "hsds_urlpatterns")


def _walk(patterns: list[Any]) -> Iterator[str]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield entry.name


def url_owners() -> dict[str, str]:
    """Each URL name, and the app whose ``urls`` module declares it."""
    owners = {name: "referral_hub" for name in _walk(root_urls.urlpatterns)}
    for app in PROJECT_APPS:
        module = _import_urls(app)
        for attr in URLCONF_ATTRS:
            for name in _walk(getattr(module, attr, []) if module else []):
                owners[name] = app
    return owners


def _import_urls(app: str) -> Any:
    from importlib import import_module

    if not (ROOT / app / "urls.py").exists() or app == "referral_hub":
        return None
    return import_module(f"{app}.urls")


def template_owner(name: str, folder: str = "templates") -> str | None:
    """The project app whose ``templates`` (or ``static``) folder serves ``name`` (None:
    Django's, a library's)."""
    for app in PROJECT_APPS:
        if (ROOT / app / folder / name).exists():
            return app
    return None


def _source_files(app: str, pattern: str) -> Iterator[Path]:
    for path in sorted((ROOT / app).rglob(pattern)):
        if "migrations" not in path.parts:
            yield path


def names_in_template(text: str, owners: dict[str, str]) -> Iterator[tuple[int, str, str]]:
    """(line, what, owner) for every project template or URL a template's text names."""
    for match in TEMPLATE_TAG.finditer(text):
        kind, name = match.group(1), match.group("name")
        if kind == "url":
            owner = owners.get(name)
        else:
            owner = template_owner(name, "static" if kind == "static" else "templates")
        if owner is not None:
            yield text.count("\n", 0, match.start()) + 1, f"{{% {kind} '{name}' %}}", owner


def template_references(app: str, owners: dict[str, str]) -> Iterator[tuple[str, str, str]]:
    """(where, what, owner) for every name in ``app``'s templates."""
    for path in _source_files(app, "templates/**/*"):
        if path.is_file():
            for line, what, owner in names_in_template(path.read_text(encoding="utf-8"), owners):
                yield f"{path.relative_to(ROOT)}:{line}", what, owner


def _call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def python_references(app: str, owners: dict[str, str]) -> Iterator[tuple[str, str, str]]:
    """(where, what, owner) for every URL name ``app``'s Python reverses by string."""
    for path in _source_files(app, "*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            args = list(node.args[:1]) if _call_name(node) in REVERSERS else []
            args += [kw.value for kw in node.keywords if kw.arg in {"url_name", "viewname"}]
            for arg in args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value in owners:
                    yield (
                        f"{path.relative_to(ROOT)}:{node.lineno}",
                        f"{_call_name(node)}({arg.value!r})",
                        owners[arg.value],
                    )


# Registries of the base that settings hand on (the beat schedule, the schema's enum
# names): the entries are the registering apps' own names, not the base's.
REGISTRIES = (extensions.beat_schedule, extensions.schema_enum_names)


def _strings(value: Any) -> Iterator[str]:
    if any(value is registry for registry in REGISTRIES):
        return
    if type(value) is str:  # not lazy translations
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _strings(item)


def base_configuration_references(owners: dict[str, str]) -> Iterator[tuple[str, str, str]]:
    """(where, what, owner) for dotted paths and URL names in settings and the root URLconf."""
    sources = {f"settings.{name}": getattr(settings, name) for name in dir(settings) if name.isupper()}
    sources.update({f"{root_urls.__name__}.{name}": getattr(root_urls, name) for name in dir(root_urls)})
    sources.pop("settings.INSTALLED_APPS")  # the apps themselves, from the one list
    for where, value in sources.items():
        for text in _strings(value):
            dotted = DOTTED.match(text)
            if dotted and dotted.group("app") in PROJECT_APPS:
                yield where, text, dotted.group("app")


def upward_references() -> list[str]:
    owners = url_owners()
    found: list[str] = []
    for app in PROJECT_APPS:
        refs = [*template_references(app, owners), *python_references(app, owners)]
        found += [
            f"{where}: {app} names {owner} ({what})"
            for where, what, owner in refs
            if not may_name(app, owner)
        ]
    for where, what, owner in base_configuration_references(owners):
        if not may_name("referral_hub", owner):
            found.append(f"{where}: the base names {owner} ({what})")
    return found


def test_the_layer_list_is_the_one_list():
    assert LAYERS[0] == ("referral_hub",)
    assert sorted(PROJECT_APPS) == sorted({app for layer in LAYERS for app in layer})


def test_no_app_names_an_app_above_it():
    """Templates, reversed URL names and the base's settings point down the layers only."""
    found = upward_references()
    assert not found, "Names pointing up the layers:\n" + "\n".join(found)


def test_the_scan_sees_names_that_point_up():
    """What the test above would report for the include directory's provider page had."""
    owners = url_owners()
    text = '{% load i18n %}\n{% include "intake/_ask_button.html" %} <a href="{% url \'intake-queue\' %}">'
    found = [(line, owner) for line, _, owner in names_in_template(text, owners)]
    assert found == [(2, "intake"), (2, "intake")]
    assert not may_name("directory", "intake") and may_name("intake", "directory")
    assert not may_name("directory", "families")  # one layer: independent of each other
