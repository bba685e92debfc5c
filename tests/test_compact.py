"""Compacted facts (briefgen.store.compact): the same values, each held once."""

from __future__ import annotations

from pathlib import Path

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


def test_compact_shares_pydantic_bookkeeping_and_keeps_extras() -> None:
    compactor = Compactor()
    sentence = "Union leader Mara Lind said the strike would continue."
    first, second = facts("aaaa", sentence), facts("bbbb", sentence)
    raw = first.model_dump()
    raw["actors"][0]["future_field"] = "kept"  # an extra key written by a later version
    third = DocFacts.model_validate(raw)
    fresh = [f.model_copy(deep=True) for f in (first, second, third)]
    one, two, three = (compactor.compact(f) for f in (first, second, third))
    # one fields-set per kind of object, no empty extras dict per object
    assert one.actors[0].model_fields_set is two.actors[0].model_fields_set
    assert one.key_developments[0].__pydantic_extra__ is None
    assert three.actors[0].model_extra == {"future_field": "kept"}
    # the same values: equal, same JSON, copies and updates behave as before
    assert [one, two, three] == fresh
    assert [f.model_dump_json() for f in (one, two, three)] == [f.model_dump_json() for f in fresh]
    dev = one.key_developments[0]
    dev.story = "s1"
    copied = dev.model_copy(update={"summary": "Changed."})
    assert copied.story == "s1" and copied.summary == "Changed."
    assert two.key_developments[0].story != "s1"
    assert '"story": "s1"' in one.model_dump_json(indent=2)


def test_compact_shares_profile_terms() -> None:
    compactor = Compactor()
    term = "strike " * 12  # longer than what pydantic's JSON parser shares by itself
    raw = '{"document": {"id": "%s", "title": "T", "sha256": "%s"}, "profile": {"TERM": 0.5}}'
    raw = raw.replace("TERM", term)
    one, two = (
        compactor.compact(DocFacts.model_validate_json(raw % (doc, "0" * 64)))
        for doc in ("aaaa", "bbbb")
    )
    assert one.profile == two.profile == {term: 0.5}
    (a,), (b,) = one.profile, two.profile
    assert a is b


def test_compact_objects_hold_their_field_names_once_per_class() -> None:
    """Key-sharing dicts, in a fresh interpreter (Python gives a class's instances shared
    keys only while every instance sets its attributes in one order; other tests in this
    process make objects of their own)."""
    import subprocess
    import sys

    code = """
import sys
sys.path.insert(0, sys.argv[1])
from test_compact import facts
from briefgen.store.compact import Compactor
sentence = "Union leader Mara Lind said the strike would continue."
loose = facts("aaaa", sentence)
sizes = [sys.getsizeof(d.__dict__) for d in (loose.actors[0], loose.key_developments[0])]
tight = Compactor().compact(facts("aaaa", sentence))
dev = tight.key_developments[0]
assert sys.getsizeof(tight.actors[0].__dict__) < sizes[0]
assert sys.getsizeof(dev.__dict__) < sizes[1]
copied = dev.model_copy(update={"summary": "Changed."})
assert sys.getsizeof(copied.__dict__) < sizes[1]  # copies stay small
assert copied.summary == "Changed." and dev.summary == sentence
assert tight == loose and tight.model_dump_json() == loose.model_dump_json()
print("ok")
"""
    here = str(Path(__file__).parent)
    done = subprocess.run(
        [sys.executable, "-c", code, here], capture_output=True, text=True, timeout=120
    )
    assert done.stdout.strip() == "ok", done.stderr
