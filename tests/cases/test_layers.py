"""Cases sit between consent and the apps that build on them: referrals and messaging
import cases; cases imports neither (docs/architecture.md, "Arrows")."""

from __future__ import annotations

import grimp
import pytest

GRAPH = grimp.build_graph("cases", "consent", "referrals", "messaging", "intake", "indicators")


@pytest.mark.parametrize("above", ["referrals", "messaging"])
def test_referrals_and_messaging_build_on_cases(above):
    assert GRAPH.direct_import_exists(importer=above, imported="cases", as_packages=True)


@pytest.mark.parametrize("above", ["referrals", "messaging", "intake", "indicators"])
def test_cases_imports_nothing_above_it(above):
    chain = GRAPH.find_shortest_chain(importer="cases", imported=above, as_packages=True)
    assert chain is None, f"cases reaches {above}: {' -> '.join(chain or ())}"


def test_cases_builds_on_consent():
    assert GRAPH.direct_import_exists(importer="cases", imported="consent", as_packages=True)


def test_nothing_is_left_behind_in_referrals():
    """The models, the case policies and the case endpoints live in cases only."""
    import referrals.models
    import referrals.policies
    import referrals.urls

    for name in ("CareTeamMember", "TeamRole"):
        assert not hasattr(referrals.models, name)
    for name in ("access_case", "visible_cases", "former_case_access", "CaseAccess"):
        assert not hasattr(referrals.policies, name)
    names = {p.name for p in (*referrals.urls.urlpatterns, *referrals.urls.api_urlpatterns)}
    assert not names & {"case-page", "api-case-list", "api-case-detail"}
