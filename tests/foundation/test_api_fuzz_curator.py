"""The API fuzz (as the curator, the network lead and the care coordinator); the check, the roles and the phases are in
``tests/foundation/fuzz.py``."""

from __future__ import annotations

from tests.foundation.fuzz import _as, _keep_the_test_connection  # noqa: F401  # the fixture

test_every_answer_is_as_documented_for_the_curator = _as("curator", coverage=True)
test_every_answer_is_as_documented_for_the_curator_refused = _as("curator", coverage=False)
test_every_answer_is_as_documented_for_the_network_lead = _as("network_lead", coverage=True)
test_every_answer_is_as_documented_for_the_coordinator = _as("coordinator", coverage=True)
