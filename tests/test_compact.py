"""Compacted facts (briefgen.store.compact): the same values, each held once."""

from __future__ import annotations

from briefgen.model import Actor, DocFacts, DocumentRef, Evidence, KeyDevelopment
from briefgen.store.compact import Compactor


def facts(doc: str, sentence: str) -> DocFacts:
    """One document's facts in which an actor and a development cite the same sentence
    (each parsed from JSON, as the cache hands them over: no object shared yet)."""
    ev = Evidence(doc=doc, start=0, end=len(sentence), text=sentence)
    built = DocFacts(
        document=DocumentRef(id=doc, title=f"Title {doc}", sha256="0" * 64),
        actors=[Actor(id="mara-lind", name="Mara Lind", type="person", evidence=[ev])],
        key_developments=[
            KeyDevelopment(id=f"{doc}-kd1", summary=sentence, who=["Mara Lind"], evidence=[ev])
        ],
    )
    return DocFacts.model_validate_json(built.model_dump_json())


def test_compact_shares_values_and_changes_none() -> None:
    compactor = Compactor()
    sentence = "Union leader Mara Lind said the strike would continue."
    first, second = facts("aaaa", sentence), facts("bbbb", sentence)
    before = [first.model_dump_json(), second.model_dump_json()]
    assert first.actors[0].evidence[0] is not first.key_developments[0].evidence[0]
    one, two = compactor.compact(first), compactor.compact(second)
    assert [one.model_dump_json(), two.model_dump_json()] == before
    # one Evidence object per span, one string per value, across documents too
    assert one.actors[0].evidence[0] is one.key_developments[0].evidence[0]
    assert one.actors[0].evidence[0] is not two.actors[0].evidence[0]  # another document
    assert one.key_developments[0].summary is two.actors[0].evidence[0].text
    assert one.actors[0].name is two.actors[0].name
    strings, spans = compactor.distinct
    assert spans == 2 and strings < 20
