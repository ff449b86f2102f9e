"""The API fuzz (as the guardian); the check, the roles and the phases are in
``tests/foundation/fuzz.py``."""

from __future__ import annotations

from tests.foundation.fuzz import _as, _keep_the_test_connection  # noqa: F401  # the fixture

test_every_answer_is_as_documented_for_the_guardian = _as("guardian", coverage=True)
test_every_answer_is_as_documented_for_the_guardian_refused = _as("guardian", coverage=False)
