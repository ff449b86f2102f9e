"""Every family-facing page exists in Spanish: each message its template asks to
translate has a non-empty, non-fuzzy Spanish translation in the catalogues, no visible
word is written outside a translate tag, and the compiled catalogues (.mo) match their
sources (.po)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.i18n.checks import ROOT, catalogues, literal_text, mo_matches_po, template_msgids, untranslated

# Pages a parent or guardian reads (and the pieces they include).
FAMILY_TEMPLATES = [
    "consent/templates/consent/portal.html",
    "consent/templates/consent/child.html",
    "consent/templates/consent/_consent_card.html",
    "consent/templates/consent/_status.html",
    "consent/templates/consent/access_log.html",
    "consent/templates/consent/_access_row.html",
    "consent/templates/consent/new_pick.html",
    "consent/templates/consent/new_scope.html",
    "consent/templates/consent/new_review.html",
    "consent/templates/consent/revoke.html",
    "consent/templates/consent/print.html",
    "families/templates/families/register.html",
    "families/templates/families/register_done.html",
    "families/templates/families/accept_invitation.html",
    "families/templates/families/add_child.html",
    "families/templates/families/_form_fields.html",
    "families/templates/families/message.html",
    "referral_hub/templates/base.html",
    "people/templates/registration/login.html",
    "people/templates/registration/locked_out.html",
    "referrals/templates/referrals/portal_referrals.html",
    "referrals/templates/referrals/_next_steps_family.html",
    "directory/templates/directory/search.html",
    "directory/templates/directory/provider.html",
    "consent/templates/consent/request.html",
    "consent/templates/consent/_consent_card.html",
    "referral_hub/templates/errors/page.html",
    "people/templates/registration/account_settings.html",
    "families/templates/registration/reset_request.html",
    "families/templates/registration/reset_sent.html",
    "families/templates/registration/reset_confirm.html",
    "families/templates/registration/reset_complete.html",
    "notices/templates/notices/notices.html",
    # Not a family's page, but public and in both languages: a partner without an account
    # answers a referral from its link (issue 27).
    "referrals/templates/referrals/partner_link.html",
    # What the apps put in the base's slots and navigation on family pages.
    "people/templates/people/_account.html",
    "people/templates/people/_error_links.html",
    "families/templates/families/_login_links.html",
    "families/templates/families/_account_password_links.html",
    "notices/templates/notices/_nav_badge_notices.html",
    # Groups and events for families (issue 28): the Groups tab, a group, registering.
    "groups/templates/groups/_search_tab.html",
    "groups/templates/groups/_field.html",
    "groups/templates/groups/_card.html",
    "groups/templates/groups/search.html",
    "groups/templates/groups/group.html",
    "groups/templates/groups/registration.html",
    "groups/templates/groups/_registration_row.html",
    "groups/templates/groups/_portal_panel.html",
    "groups/templates/groups/mine.html",
]
# Family pages of apps still to come (ask for help, consent requests) join by glob.
# The coordinators' queue pages are staff pages (wrapped, not required in Spanish).
COORDINATOR_PAGES = ("queue",)
FAMILY_GLOBS = [
    "intake/templates/**/*.html",
    "consent/templates/consent/_consent_request*.html",
]


def family_templates() -> list[str]:
    found = [p for p in FAMILY_TEMPLATES if (ROOT / p).exists()]
    for pattern in FAMILY_GLOBS:
        found += sorted(
            str(p.relative_to(ROOT)) for p in ROOT.glob(pattern) if not p.name.startswith(COORDINATOR_PAGES)
        )
    return found


def _cases() -> list[object]:
    return [pytest.param(path, id=path) for path in family_templates()]


@pytest.fixture(scope="module")
def merged():
    return catalogues()


def test_the_list_names_real_templates():
    missing = [p for p in FAMILY_TEMPLATES if not (ROOT / p).exists()]
    assert not missing, f"family templates listed but not found (renamed?): {missing}"


@pytest.mark.parametrize("path", _cases())
def test_every_message_of_a_family_page_has_a_spanish_translation(path, merged):
    msgids = template_msgids((ROOT / path).read_text())
    assert not untranslated(msgids, merged), (
        f"{path}: no Spanish translation (run `make messages` and fill in msgstr): {untranslated(msgids, merged)}"
    )


@pytest.mark.parametrize("path", _cases())
def test_no_visible_word_of_a_family_page_is_outside_a_translate_tag(path):
    words = literal_text((ROOT / path).read_text())
    allowed = {"Referral", "Hub", "API"}  # the product's name and the API link's label
    assert not [w for w in words if w not in allowed], f"{path}: text outside translate tags: {words}"


@pytest.mark.parametrize(
    "po", sorted(ROOT.glob("*/locale/es/LC_MESSAGES/django.po")), ids=lambda p: p.parts[-5]
)
def test_compiled_catalogues_match_their_sources(po: Path):
    assert not mo_matches_po(po), f"{po}: .mo is out of date; run `make messages`"


# The checks themselves must be able to fail.


def test_the_literal_text_check_catches_english_outside_translate_tags():
    source = (
        '{% load i18n %}<h1>{% translate "My family" %}</h1><p>Born {{ date }}</p>'
        '<a aria-label="Revoke consent" href="#">{% translate "Revoke" %}</a>'
        "{% blocktranslate %}Hello {{ name }}{% endblocktranslate %}<script>var x = 'ignored';</script>"
    )
    assert sorted(literal_text(source)) == ["Born", "Revoke", "consent"]


def test_the_catalogue_check_catches_a_message_without_spanish(merged):
    source = '{% load i18n %}{% translate "My family" %}{% translate "A sentence nobody translated" %}'
    assert untranslated(template_msgids(source), merged) == ["A sentence nobody translated"]
    plural = (
        "{% load i18n %}{% blocktranslate count counter=n %}One visit hidden ({{ counter }})."
        "{% plural %}{{ counter }} visits hidden.{% endblocktranslate %}"
    )
    assert untranslated(template_msgids(plural), merged) == ["One visit hidden (%(counter)s)."]


def test_the_mo_check_catches_a_stale_compiled_catalogue(tmp_path):
    import polib

    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "es"}
    po.append(polib.POEntry(msgid="Revoke", msgstr="Revocar"))
    po.save(str(tmp_path / "django.po"))
    po.save_as_mofile(str(tmp_path / "django.mo"))
    assert mo_matches_po(tmp_path / "django.po") == []
    po[0].msgstr = "Anular"
    po.save(str(tmp_path / "django.po"))
    assert mo_matches_po(tmp_path / "django.po") == ["Revoke"]
