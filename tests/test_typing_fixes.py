"""Regressions for what the mypy clean-up of briefgen.extract found."""

from __future__ import annotations

from typing import Any

import pytest

from briefgen.extract.actors import ActorRecord, extract_actors
from briefgen.extract.developments import _precision, extract_developments

ARTICLE = (
    "Indian Prime Minister Narendra Modi arrived in Washington on Tuesday for talks with "
    "President Joe Biden. The visit follows months of preparation."
)


def test_actor_record_declares_salience() -> None:
    assert ActorRecord(key="k", name="K", type="person").salience == 0.0


def test_developments_from_fresh_actors(nlp: Any) -> None:
    """``salience`` used to be set on ActorRecord only by ``extract._salience``: calling
    ``extract_developments`` on the output of ``extract_actors`` raised AttributeError."""
    doc = nlp(ARTICLE)
    devs = extract_developments(doc, "d1", extract_actors(doc), None)
    assert devs and devs[0].who == ["Narendra Modi"]


def test_precision_narrows_to_the_model_literal() -> None:
    assert [_precision(p) for p in ("day", "month", "year", None)] == [
        "day",
        "month",
        "year",
        None,
    ]
    with pytest.raises(ValueError):
        _precision("week")
