"""Checks that a family-facing template is fully in Spanish.

Two independent checks, each usable on any template source:
- ``template_msgids``: every message the template asks to translate (``translate`` and
  ``blocktranslate``, with their context and plural), exactly as Django looks it up, so
  it can be checked against the catalogues.
- ``literal_text``: visible words written outside any translate tag (text between
  tags, and the attributes people read: ``aria-label``, ``title``, ``placeholder``,
  ``alt``, a button's ``value``). A word there is English on the Spanish page.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import polib
from django.template import engines
from django.template.base import Lexer, TokenType
from django.templatetags.i18n import BlockTranslateNode, TranslateNode
from django.utils.translation import trim_whitespace

ROOT = Path(__file__).resolve().parents[2]
Msg = tuple[str, str, str]  # (context, msgid, msgid_plural)


def _context_of(node: TranslateNode | BlockTranslateNode) -> str:
    context = node.message_context
    return str(context.var.literal) if context is not None and hasattr(context.var, "literal") else ""


def template_msgids(source: str) -> set[Msg]:
    """The (context, msgid, plural) of every translate tag in ``source``."""
    template = engines["django"].engine.from_string(source)  # type: ignore[attr-defined]
    found: set[Msg] = set()
    for node in template.nodelist.get_nodes_by_type(TranslateNode):
        literal = getattr(node.filter_expression.var, "literal", None)
        if isinstance(literal, str) and not node.noop:
            # As Django does at run time (Variable.resolve): a literal's "%" is "%%".
            found.add((_context_of(node), literal.replace("%", "%%"), ""))
    for node in template.nodelist.get_nodes_by_type(BlockTranslateNode):
        singular = "".join(node.render_token_list(node.singular)[0])
        plural = "".join(node.render_token_list(node.plural)[0]) if node.plural else ""
        if node.trimmed:
            singular, plural = trim_whitespace(singular), trim_whitespace(plural)
        found.add((_context_of(node), singular, plural))
    return found


def catalogues() -> dict[tuple[str, str], polib.POEntry]:
    """Every Spanish entry of the project's catalogues (Django merges them at run time)."""
    merged: dict[tuple[str, str], polib.POEntry] = {}
    for path in sorted(ROOT.glob("*/locale/es/LC_MESSAGES/django.po")):
        for entry in polib.pofile(str(path)):
            if entry.obsolete:
                continue
            key = (entry.msgctxt or "", entry.msgid)
            if key not in merged or is_translated(entry):
                merged[key] = entry
    return merged


def is_translated(entry: polib.POEntry) -> bool:
    if entry.fuzzy:
        return False
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def untranslated(msgids: set[Msg], merged: dict[tuple[str, str], polib.POEntry]) -> list[str]:
    missing = []
    for context, msgid, plural in sorted(msgids):
        entry = merged.get((context, msgid))
        if entry is None or not is_translated(entry) or (plural and entry.msgid_plural != plural):
            missing.append(msgid)
    return missing


class _Visible(HTMLParser):
    READ_ATTRIBUTES = {"aria-label", "title", "placeholder", "alt"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        named = dict(attrs)
        for name, value in attrs:
            if value and name in self.READ_ATTRIBUTES:
                self.texts.append(value)
        if tag == "input" and named.get("type") in ("submit", "button") and named.get("value"):
            self.texts.append(named["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.texts.append(data)


_OPENERS = {"blocktranslate": "endblocktranslate", "blocktrans": "endblocktrans", "comment": "endcomment"}
_WORD = re.compile(r"[A-Za-zÀ-ÿ]{2,}")


def literal_text(source: str) -> list[str]:
    """Words a reader sees that no translate tag covers. Template tags and variables
    become a neutral placeholder; text inside ``blocktranslate`` is translated."""
    skeleton, closing = [], None
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents else ""
            if closing is None and name in _OPENERS:
                closing = _OPENERS[name]
            elif closing is not None and name == closing:
                closing = None
            # A tag may sit inside an HTML tag (<li{% if x %} class="y"{% endif %}>):
            # it leaves nothing, so the HTML around it still parses.
        elif token.token_type == TokenType.TEXT and closing is None:
            skeleton.append(token.contents)
        else:
            skeleton.append("\x00")
    parser = _Visible()
    parser.feed("".join(skeleton))
    parser.close()
    return [word for text in parser.texts for word in _WORD.findall(text)]


def mo_matches_po(po_path: Path) -> list[str]:
    """Messages whose compiled .mo translation differs from (or is missing for) the .po."""
    mo_path = po_path.with_suffix(".mo")
    if not mo_path.exists():
        return ["<no .mo file>"]
    compiled = {(e.msgctxt or "", e.msgid): e for e in polib.mofile(str(mo_path))}
    stale = []
    for entry in polib.pofile(str(po_path)):
        if entry.obsolete or not is_translated(entry) or not entry.msgid:
            continue
        mo = compiled.get((entry.msgctxt or "", entry.msgid))
        if mo is None:
            stale.append(entry.msgid)
        elif entry.msgid_plural:
            if {int(k): v for k, v in mo.msgstr_plural.items()} != {
                int(k): v for k, v in entry.msgstr_plural.items()
            }:
                stale.append(entry.msgid)
        elif mo.msgstr != entry.msgstr:
            stale.append(entry.msgid)
    return stale
