"""The news archive and the subscriptions repositories on a real file, without a bot."""

import pytest

from storage import news, participants, subscriptions
from storage.db import Database
from storage.news import NewsText


@pytest.fixture
async def db(tmp_path):
    database = await Database.open(tmp_path / "p.db")
    yield database
    await database.close()


async def test_news_come_newest_first_with_all_their_languages(db):
    for n in range(1, 6):
        texts = {"de": NewsText(f"T{n}", f"B{n}")}
        if n % 2:
            texts["en"] = NewsText(f"E{n}", f"EB{n}")
        assert await news.publish(db, 999, texts) == n
    assert await news.count(db) == 5
    first = await news.latest(db, 3)
    assert [item.id for item in first] == [5, 4, 3]
    assert sorted(first[0].texts) == ["de", "en"] and sorted(first[1].texts) == ["de"]
    assert [item.id for item in await news.latest(db, 3, 3)] == [2, 1]
    assert await news.latest(db, 3, 6) == []
    item = await news.get(db, 4)
    assert item is not None and item.author_id == 999
    assert item.text("en", "de") == (NewsText("T4", "B4"), "de")
    assert (await news.get(db, 3)).text("en", "de") == (NewsText("E3", "EB3"), "en")
    assert await news.get(db, 99) is None


async def test_a_news_item_may_record_the_phase_it_came_with(db):
    news_id = await news.publish(db, None, {"de": NewsText("", "<b>Neu</b>")}, phase_id="merge")
    item = await news.get(db, news_id)
    assert item is not None and item.phase_id == "merge" and item.texts["de"].title == ""


async def test_subscription_changes_say_whether_they_changed_anything(db):
    await participants.keep_language(db, 7, 7, "fa")
    assert await subscriptions.subscribe(db, 7, 7) is True
    assert await subscriptions.subscribe(db, 7, 7) is False
    assert await subscriptions.mark_blocked(db, 7) is True
    assert await subscriptions.mark_blocked(db, 7) is False
    assert await subscriptions.unsubscribe(db, 7) is False
    assert await subscriptions.subscribe(db, 7, 7) is True
    stored = await db.fetchall("SELECT active, blocked_at FROM subscriptions WHERE chat_id = 7")
    assert [tuple(row) for row in stored] == [(1, None)]
    assert await subscriptions.unsubscribe(db, 7) is True
    assert not await subscriptions.is_active(db, 7)


async def test_keep_language_never_overrides_a_chosen_language(db):
    await participants.set_language(db, 8, 8, "pl")
    await participants.keep_language(db, 8, 8, "en")
    assert (await participants.get(db, 8)).language == "pl"
    await participants.keep_language(db, 9, 9, "en")
    assert (await participants.get(db, 9)).language == "en"
