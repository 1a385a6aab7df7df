"""Property tests (hypothesis): tickets round-trip; predictions are always valid."""

from hypothesis import given, settings
from hypothesis import strategies as st

import lottopro

GAMES = {g["id"]: g for g in lottopro.games()}


@st.composite
def tickets(draw):
    game = draw(st.sampled_from(sorted(GAMES)))
    g = GAMES[game]
    main = draw(st.lists(st.integers(1, g["pool"]), min_size=g["picks"], max_size=g["picks"], unique=True))
    extra = []
    if g["bonus"]["kind"] == "second_pool":
        extra = draw(st.lists(st.integers(1, g["bonus"]["pool"]), min_size=g["bonus"]["picks"], max_size=g["bonus"]["picks"], unique=True))
    return game, main, extra


@given(tickets(), st.booleans())
def test_tickets_round_trip_through_text(t, commas):
    game, main, extra = t
    ticket = lottopro.Ticket(main, extra, game=game)
    text = str(ticket).replace(" + ", "+").replace(" ", ",") if commas else str(ticket)
    assert lottopro.Ticket.parse(text, game=game) == ticket
    assert ticket.numbers == tuple(sorted(main))


ENGINE = lottopro.Engine(game="kr645")


@settings(max_examples=60, deadline=None)
@given(
    model=st.sampled_from(["frequency", "trend", "pattern", "statistical", "ml", "random"]),
    count=st.integers(1, 10),
    include=st.lists(st.integers(1, 45), max_size=3, unique=True),
    exclude=st.lists(st.integers(1, 45), max_size=10, unique=True),
    seed=st.integers(0, 2**64 - 1),
)
def test_predictions_are_always_valid(model, count, include, exclude, seed):
    exclude = [n for n in exclude if n not in include]
    p = ENGINE.predict(model=model, count=count, include=include, exclude=exclude, seed=seed)
    seen = set()
    for t in p["tickets"]:
        nums = t["numbers"]
        assert len(nums) == 6 and len(set(nums)) == 6 and all(1 <= n <= 45 for n in nums)
        assert set(include) <= set(nums) and not set(exclude) & set(nums)
        seen.add(tuple(nums))
    assert len(seen) == count
