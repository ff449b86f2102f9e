"""The API fuzz (as a provider on the care team); the check, the roles and the phases are in
``tests/foundation/fuzz.py``."""

from __future__ import annotations

from tests.foundation.fuzz import _as, _keep_the_test_connection  # noqa: F401  # the fixture

test_every_answer_is_as_documented_for_the_provider = _as("provider", coverage=True)
test_every_answer_is_as_documented_for_the_provider_refused = _as("provider", coverage=False)
