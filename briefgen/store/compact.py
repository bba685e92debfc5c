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

Each object's attribute dict is rebuilt as a key-sharing ("split") dict, as Python makes for
ordinary instances (PEP 412): the field names are held once per class and each object
keeps only its values (a ``KeyDevelopment``'s dict: 1.2 kB → 0.4 kB; an ``Actor``'s: 464 →
288 bytes); pydantic builds a full dict per object. Copies of such objects stay split.

It changes no value: the facts compare equal and serialise to the same JSON. Shared
objects are safe because fusion never changes an ``Evidence`` in place (it builds new
lists and ``model_copy``-s what it updates).
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

from briefgen.model import DocFacts, Evidence

_M = TypeVar("_M", bound=BaseModel)


class Compactor:
    """Shares repeated strings and evidence spans across the facts it is given."""

    def __init__(self) -> None:
        self._strings: dict[str, str] = {}
        self._evidence: dict[tuple[str, int, int, str], Evidence] = {}
        self._fields_sets: dict[tuple[type, frozenset[str]], set[str]] = {}

    def compact(self, facts: DocFacts) -> DocFacts:
        """``facts`` with its strings and evidence shared: the same values, in new objects
        (use the one returned)."""
        return self._model(facts)

    def _model(self, model: _M) -> _M:
        values = model.__dict__
        for name in type(model).model_fields:
            value = values.get(name)
            if value is None or isinstance(value, (int, float, bool)):
                continue
            values[name] = self._value(value)
        return self._rebuilt(model)

    def _rebuilt(self, model: _M) -> _M:
        """``model`` as a new object with a key-sharing attribute dict, its kind's shared
        fields-set and no empty extras dict."""
        cls = type(model)
        given = model.__pydantic_fields_set__
        shared = self._fields_sets.setdefault((cls, frozenset(given)), given)
        new = cls.__new__(cls)
        for name, value in model.__dict__.items():  # the split dict is made as they are set
            object.__setattr__(new, name, value)
        object.__setattr__(new, "__pydantic_fields_set__", shared)
        object.__setattr__(new, "__pydantic_extra__", model.__pydantic_extra__ or None)
        object.__setattr__(
            new, "__pydantic_private__", getattr(model, "__pydantic_private__", None)
        )
        return new

    def _value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self._strings.setdefault(value, value)
        if isinstance(value, Evidence):
            fields = value.__dict__
            doc = fields["doc"] = self._strings.setdefault(value.doc, value.doc)
            text = fields["text"] = self._strings.setdefault(value.text, value.text)
            key = (doc, value.start, value.end, text)
            shared = self._evidence.get(key)
            if shared is None:
                shared = self._evidence[key] = self._rebuilt(value)
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
            return self._model(value)
        return value

    @property
    def distinct(self) -> tuple[int, int]:
        """How many distinct strings and evidence spans are held."""
        return len(self._strings), len(self._evidence)
