"""Hold many documents' facts in less memory: one copy of each repeated value.

The facts of a large corpus are read from the cache as JSON, and JSON parsing makes a new
string for every occurrence of a value: the same sentence quoted as evidence by an actor,
a development and a statement of one document is three strings (and three ``Evidence``
objects); an actor's name, type and id repeat in every document that mentions it.
:class:`Compactor` walks each ``DocFacts`` as it is loaded and replaces every string by
one shared copy and every ``Evidence`` by one shared object per span, so the facts of
100,000 documents hold each distinct value once.

Each model object also carries pydantic's bookkeeping: the set of its fields given when
it was made (``model_fields_set``, a few hundred bytes per object) and a dict of extra keys
(empty for facts written by this version). Facts hold about 150 model objects per
document, so this bookkeeping was about half their memory (measured: 157 kB per document
held, 87 kB with it shared). The compactor shares one fields-set per (class, set of
names) and drops an empty extras dict (pydantic treats a missing and an empty one alike
when comparing and serialising). Nothing in briefgen reads the fields-set (no
``exclude_unset``); a later assignment to a field adds its name to the shared set, which
changes no output.

It changes no value: the facts compare equal and serialise to the same JSON. Shared
objects are safe because fusion never changes an ``Evidence`` in place (it builds new
lists and ``model_copy``-s what it updates).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from briefgen.model import DocFacts, Evidence


class Compactor:
    """Shares repeated strings and evidence spans across the facts it is given."""

    def __init__(self) -> None:
        self._strings: dict[str, str] = {}
        self._evidence: dict[tuple[str, int, int, str], Evidence] = {}
        self._fields_sets: dict[tuple[type, frozenset[str]], set[str]] = {}

    def compact(self, facts: DocFacts) -> DocFacts:
        """``facts`` with its strings and evidence shared (changed in place, returned)."""
        self._model(facts)
        return facts

    def _model(self, model: BaseModel) -> None:
        values = model.__dict__
        for name in type(model).model_fields:
            value = values.get(name)
            if value is None or isinstance(value, (int, float, bool)):
                continue
            values[name] = self._value(value)
        self._bookkeeping(model)

    def _bookkeeping(self, model: BaseModel) -> None:
        """Share ``model``'s fields-set with its kind; drop an empty extras dict."""
        given = model.__pydantic_fields_set__
        shared = self._fields_sets.setdefault((type(model), frozenset(given)), given)
        if shared is not given:
            object.__setattr__(model, "__pydantic_fields_set__", shared)
        if model.__pydantic_extra__ == {}:
            object.__setattr__(model, "__pydantic_extra__", None)

    def _value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self._strings.setdefault(value, value)
        if isinstance(value, Evidence):
            fields = value.__dict__
            doc = fields["doc"] = self._strings.setdefault(value.doc, value.doc)
            text = fields["text"] = self._strings.setdefault(value.text, value.text)
            shared = self._evidence.setdefault((doc, value.start, value.end, text), value)
            if shared is value:
                self._bookkeeping(value)
            return shared
        if isinstance(value, list):
            for i, item in enumerate(value):
                value[i] = self._value(item)
            return value
        if isinstance(value, dict):  # e.g. a document's term profile: its keys shared
            strings = self._strings
            return {
                strings.setdefault(k, k) if isinstance(k, str) else k: self._value(v)
                for k, v in value.items()
            }
        if isinstance(value, BaseModel):
            self._model(value)
        return value

    @property
    def distinct(self) -> tuple[int, int]:
        """How many distinct strings and evidence spans are held."""
        return len(self._strings), len(self._evidence)
