"""Every file README.md and docs/*.md point at exists: markdown links to local files, and
the repository paths they name in code spans (``docs/...``, ``tests/...``, an app's
``.py`` module, any ``.md`` file). Template names (``directory/_capacity.html``) and URL
paths are not repository paths and are left out."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\[[^\]]*\]\((?P<target>[^)\s]+)(?:\s+\"[^\"]*\")?\)")
CODE_SPAN = re.compile(r"`(?P<path>[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)*)`")
FOLDERS = {path.name for path in ROOT.iterdir() if path.is_dir() and not path.name.startswith(".")}


def _names_a_file(path: str) -> bool:
    first = path.split("/")[0]
    if path.endswith(".md"):
        return True
    if "/" not in path or first not in FOLDERS:
        return False
    return first in {"docs", "tests", "bench", "scripts"} or path.endswith(".py")


def _exists(document: Path, path: str) -> bool:
    return (document.parent / path).exists() or (ROOT / path).exists()


def broken_references() -> list[str]:
    broken = []
    for document in DOCUMENTS:
        for number, line in enumerate(document.read_text(encoding="utf-8").splitlines(), 1):
            for match in LINK.finditer(line):
                target = match.group("target").split("#")[0]
                if target and not re.match(r"^[a-z]+:", target) and not _exists(document, target):
                    broken.append(f"{document.relative_to(ROOT)}:{number}: link {target}")
            for match in CODE_SPAN.finditer(line):
                path = match.group("path")
                if _names_a_file(path) and not _exists(document, path):
                    broken.append(f"{document.relative_to(ROOT)}:{number}: {path}")
    return broken


def test_every_document_reference_points_at_a_file():
    broken = broken_references()
    assert not broken, "References to files that do not exist:\n" + "\n".join(broken)


def test_the_check_sees_a_broken_reference(tmp_path):
    assert _names_a_file("docs/API.md") and not _exists(ROOT / "README.md", "docs/API.md")
    assert _names_a_file("CONTRACT.md") and not _names_a_file("directory/_capacity.html")
