"""The evidence-based models a provider can hold a credential in (issue 28): data, not
code (``directory/data/evidence_models.json``, format in docs/directory.md). A new model
is a new entry there; no migration, no release of the code lists.

Read by the directory (credentials, the ``model=`` filter, the pages and the API) and
meant for any app that filters by model (the groups API): ``model_codes()``,
``model_name(code)`` and ``check_model_code(raw)``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils import translation

CATALOGUE_FILE = Path(__file__).resolve().parent / "data" / "evidence_models.json"


@dataclass(frozen=True)
class EvidenceModel:
    code: str
    name_en: str
    name_es: str
    issuer: str

    def name(self, language: str | None = None) -> str:
        """The name in ``language`` (default: the active one); English unless Spanish."""
        language = language or translation.get_language() or "en"
        return self.name_es if language.startswith("es") else self.name_en


@cache
def model_catalogue() -> tuple[EvidenceModel, ...]:
    """Every model, in the file's order. A code listed twice is an error (the file is
    data people edit: a silent overwrite would hide a mistake)."""
    data = json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))
    models = tuple(
        EvidenceModel(
            code=entry["code"], name_en=entry["name_en"], name_es=entry["name_es"], issuer=entry["issuer"]
        )
        for entry in data["models"]
    )
    codes = [m.code for m in models]
    if len(set(codes)) != len(codes):
        raise ValueError(f"{CATALOGUE_FILE.name}: a model code is listed twice")
    return models


def model_codes() -> list[str]:
    return [m.code for m in model_catalogue()]


def evidence_model(code: str) -> EvidenceModel | None:
    return next((m for m in model_catalogue() if m.code == code), None)


def model_name(code: str, language: str | None = None) -> str:
    """The model's name in ``language`` (default: the active one); the code if unknown."""
    model = evidence_model(code)
    return model.name(language) if model is not None else code


def model_choices(language: str | None = None) -> list[tuple[str, str]]:
    """(code, name) for a select, by name in the reader's language."""
    return sorted(
        ((m.code, m.name(language)) for m in model_catalogue()), key=lambda pair: pair[1].casefold()
    )
