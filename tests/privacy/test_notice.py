"""/privacy: a short notice a phone shows at once, the whole notice one tap away, in every
language: who, what, why and on which legal basis, until when, the rights, the officer, the
supervisory authority and Telegram's own processing."""

import pytest

from bot.chat.text import visible_length
from bot.languages import SUPPORTED_LANGUAGES
from bot.privacy.buttons import AskWithdraw, PrivacyDetails
from tests.conftest import RESIDENT, agree, data, last


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
async def test_the_short_notice_says_who_what_why_until_when_and_what_you_can_do(
    running, example, language
):
    running.fake.add_user(RESIDENT, language_code=language)
    await running.send(RESIDENT, "/privacy")
    shown = last(running)
    text = shown.plain_text
    privacy = example.privacy
    assert privacy.controller[language] in text
    assert privacy.retention[language] in text
    t = running.services.catalogs.translator(language)
    assert t.date(privacy.retention_until) in text  # one date, the procedure file's
    basis = t.gettext(
        "So that you can set your priorities and get the news. The legal basis is your "
        "consent (Art. 6(1)(a) GDPR). You can withdraw it at any time."
    )
    assert basis in text and "6" in basis  # the legal basis, cited as the language cites it
    assert "/mydata" in text and "/delete" in text
    assert visible_length(shown.text) < 1500  # one phone screen, not a wall
    assert PrivacyDetails().pack() in data(shown)
    assert AskWithdraw().pack() not in data(shown)  # nothing to withdraw before agreeing


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
async def test_the_whole_notice_names_the_officer_the_authority_the_rights_and_telegram(
    running, example, language
):
    running.fake.add_user(RESIDENT, language_code=language)
    await running.send(RESIDENT, "/privacy")
    await running.press(RESIDENT, PrivacyDetails())
    text = last(running).plain_text
    privacy = example.privacy
    for part in (privacy.controller, privacy.officer, privacy.authority, privacy.retention):
        assert part[language] in text
    assert privacy.contact in text
    assert "https://telegram.org/privacy" in text
    assert "/mydata" in text and "/delete" in text and "/language" in text


async def test_after_agreeing_the_notice_offers_to_withdraw_consent(voting):
    await agree(voting)
    await voting.send(RESIDENT, "/privacy")
    assert AskWithdraw().pack() in data(last(voting))
