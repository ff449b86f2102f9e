"""The API fuzz signed out; the check, the roles and the phases are in
``tests/foundation/fuzz.py``."""

from __future__ import annotations

import pytest

from tests.foundation.fuzz import (
    CHECKS,
    FUZZ,
    _error_body_has_code,
    _keep_the_test_connection,  # noqa: F401  # the fixture
    _open_to_the_signed_out,
    schema,
    without_coverage,
)


@pytest.mark.django_db
@schema.include(_open_to_the_signed_out).parametrize()
@FUZZ
def test_every_answer_is_as_documented_signed_out(case, demo):
    response = case.call_and_validate(checks=CHECKS)
    _error_body_has_code(response)


@pytest.mark.django_db
@without_coverage.exclude(_open_to_the_signed_out).parametrize()
@FUZZ
def test_every_answer_is_as_documented_signed_out_fuzzing_only(case, demo):
    response = case.call_and_validate(checks=CHECKS)
    _error_body_has_code(response)
