"""The model's attribute ruler as table lookups: the same token attributes, found faster.

An English spaCy pipeline maps each token's fine tag (and, for some words, its text or
its dependency) to the coarse part of speech and the morphology the extractors and the
lemmatizer read, with an ``AttributeRuler``: a spaCy ``Matcher`` of some 180 one- and
two-token patterns (``{"TAG": "NN"}``, ``{"TAG": "DT", "LOWER": "the"}``…). The Matcher
tries every pattern at every token, and in ``en_core_web_sm`` that is about a sixth of
the whole parse. Each of those patterns is an equality test on attributes a Doc holds as
numbers, so :class:`TableRuler` finds the same rules with one dictionary lookup per
token (its result is cached by the token's attribute values) and applies them exactly
as spaCy does: every match is found on the Doc as the ruler receives it, then the rules
are applied in the order they were added, each to the token its ``index`` names, so a
later rule wins.

:func:`use_table_ruler` swaps a pipeline's ruler for the table when every one of its
patterns is of that kind (values given as a string, a flag or ``{"IN": [...]}``, no
operators, attributes among :data:`_COLUMNS`) and leaves spaCy's own ruler in place
otherwise. tests/test_nlp_attributes.py checks the two agree, rule for rule.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

log = logging.getLogger(__name__)

#: The factory name :func:`use_table_ruler` registers with spaCy.
FACTORY = "briefgen_attribute_table"
#: Pattern keys the table reads, by their spaCy attribute name: strings compared by their
#: hash (as the Matcher does), flags by 0 or 1.
_COLUMNS = (
    "ORTH",
    "LOWER",
    "NORM",
    "TAG",
    "DEP",
    "IS_SPACE",
    "IS_PUNCT",
    "IS_ALPHA",
    "IS_DIGIT",
    "IS_LOWER",
    "IS_UPPER",
    "IS_TITLE",
)
_ALIASES = {"TEXT": "ORTH"}
_FLAGS = frozenset(c for c in _COLUMNS if c.startswith("IS_"))
#: The attributes a rule may set: the token's own (spaCy's ruler sets a lexeme's, like
#: ``IS_STOP``, on the word everywhere, in its own order, which the table does not keep).
_SETS = frozenset({"TAG", "POS", "MORPH", "LEMMA", "DEP", "NORM"})
#: Distinct attribute rows remembered with their rules; past it, the memo starts over.
_MEMO_MAX = 200_000

#: A test of one column: the column, the test of its value, and the only values that can
#: pass it where they are known (equality, ``IN``), else None.
_Test = tuple[int, Callable[[int], bool], "frozenset[int] | None"]
#: One token of a pattern: a test for each of its keys.
_Spec = tuple[_Test, ...]


class Unsupported(ValueError):
    """A pattern the table cannot express (spaCy's own ruler stays)."""


class TableRuler:
    """An ``AttributeRuler`` of one- and few-token equality patterns, as lookups.

    ``patterns`` are the ruler's own (``AttributeRuler.patterns``: ``patterns``,
    ``attrs``, ``index``), in the order they were added. Raises :class:`Unsupported`
    for a pattern it cannot express.
    """

    def __init__(self, vocab: Vocab, patterns: Sequence[dict[str, Any]]) -> None:
        from spacy.tokens._retokenize import normalize_token_attrs

        self.vocab = vocab
        self.patterns = [dict(p) for p in patterns]
        self._names: list[str] = []
        self._attrs: list[dict[Any, Any]] = []
        self._indices: list[int] = []
        #: rule → its patterns, each a list of token specs.
        self._rules: list[list[list[_Spec]]] = []
        for rule in self.patterns:
            attrs = dict(rule.get("attrs") or {})
            beyond = [key for key in attrs if str(key).upper() not in _SETS]
            if beyond:  # a lexeme's attribute, set for every token of the word: order matters
                raise Unsupported(f"rule attributes {beyond!r}")
            index = int(rule.get("index", 0))
            compiled = [[self._spec(tok) for tok in pattern] for pattern in rule["patterns"]]
            for pattern in compiled:
                if not -len(pattern) <= index < len(pattern):
                    raise Unsupported("a rule's index outside its pattern")
            self._attrs.append(normalize_token_attrs(vocab, attrs))
            self._indices.append(index)
            self._rules.append(compiled)
        #: The patterns of more than one token, with the rule each belongs to.
        self._long = [(r, p) for r, rule in enumerate(self._rules) for p in rule if len(p) > 1]
        #: Which token specs a row can satisfy: (column, value) → the specs that require
        #: it, and the specs that name no value (tried on every new row). A spec is
        #: (rule, -1) for a one-token pattern, else (-1, its position in ``_long``).
        self._index: dict[tuple[int, int], list[tuple[_Spec, int, int]]] = {}
        self._anywhere: list[tuple[_Spec, int, int]] = []
        firsts = [
            (pattern[0], r, -1)
            for r, rule in enumerate(self._rules)
            for pattern in rule
            if len(pattern) == 1
        ] + [(pattern[0], -1, k) for k, (_, pattern) in enumerate(self._long)]
        for entry in firsts:
            column, _, values = entry[0][0]
            if values is None:
                self._anywhere.append(entry)
            else:
                for value in values:
                    self._index.setdefault((column, value), []).append(entry)
        #: A row of values → the rules it satisfies alone, and the long patterns it starts.
        self._memo: dict[tuple[int, ...], tuple[tuple[int, ...], tuple[int, ...]]] = {}
        #: A tuple of rules → their attributes merged in rule order.
        self._merged: dict[tuple[int, ...], dict[Any, Any]] = {}

    def _spec(self, token: Any) -> _Spec:
        """One pattern token as (column, test of the column's value) pairs."""
        if not isinstance(token, dict) or not token:
            raise Unsupported(f"pattern token {token!r}")
        tests: list[_Test] = []
        for key, value in token.items():
            name = _ALIASES.get(str(key).upper(), str(key).upper())
            if name not in _COLUMNS:
                raise Unsupported(f"pattern key {key!r}")
            if name not in self._names:
                self._names.append(name)
            tests.append((self._names.index(name), *self._test(name, value)))
        # The tests that name their values first: the index is built on the first one.
        return tuple(sorted(tests, key=lambda test: test[2] is None))

    def _test(self, name: str, value: Any) -> tuple[Callable[[int], bool], frozenset[int] | None]:
        """The test the Matcher makes of a column's value (equal to ``value``, ``IN`` or
        ``NOT_IN`` a list, or, for a string column, a ``REGEX`` search), and the values
        that pass it where they are known."""
        if not isinstance(value, dict):
            wanted = frozenset([self._number(name, value)])
            return wanted.__contains__, wanted
        if len(value) != 1:
            raise Unsupported(f"pattern value {value!r}")
        ((op, arg),) = value.items()
        if op in ("IN", "NOT_IN") and isinstance(arg, list | tuple):
            values = frozenset(self._number(name, item) for item in arg)
            if op == "IN":
                return values.__contains__, values
            return (lambda v: v not in values), None
        if op == "REGEX" and isinstance(arg, str) and name not in _FLAGS:
            search, strings = re.compile(arg).search, self.vocab.strings
            return (lambda v: search(strings[v]) is not None), None
        raise Unsupported(f"pattern value {value!r}")

    def _number(self, name: str, value: Any) -> int:
        """A pattern's value as the Doc holds it: a string's hash, a flag's 0 or 1."""
        if name in _FLAGS:
            if not isinstance(value, bool):
                raise Unsupported(f"flag {name} = {value!r}")
            return int(value)
        if not isinstance(value, str):
            raise Unsupported(f"{name} = {value!r}")
        return int(self.vocab.strings.add(value))

    def _of_row(self, row: tuple[int, ...]) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """The rules whose one-token patterns accept a token with this row of values,
        and the long patterns (their positions in ``_long``) whose first token does."""
        rules: set[int] = set()
        starts: set[int] = set()
        candidates = [e for c, v in enumerate(row) for e in self._index.get((c, v), ())]
        for spec, r, k in candidates + self._anywhere:
            if not _accepts(spec, row):
                continue
            if r >= 0:
                rules.add(r)
            else:
                starts.add(k)
        return tuple(sorted(rules)), tuple(sorted(starts))

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n == 0 or not self._rules:
            return doc
        from spacy.attrs import IDS
        from spacy.tokens._retokenize import set_token_attrs

        table = doc.to_array([IDS[name] for name in self._names])
        if table.ndim == 1:
            table = table.reshape(-1, 1)
        rows = [tuple(row) for row in table.tolist()]
        memo = self._memo
        if len(memo) > _MEMO_MAX:
            memo.clear()
        hits: list[tuple[int, ...]] = []
        extra: dict[int, set[int]] = {}
        for start, row in enumerate(rows):
            known = memo.get(row)
            if known is None:
                known = memo[row] = self._of_row(row)
            hits.append(known[0])
            for k in known[1]:
                r, pattern = self._long[k]
                size = len(pattern)
                if start + size <= n and all(
                    _accepts(pattern[j], rows[start + j]) for j in range(1, size)
                ):
                    extra.setdefault(start + self._indices[r] % size, set()).add(r)
        merged_of = self._merged
        for i, found in enumerate(hits):
            if i in extra:
                found = tuple(sorted(extra[i].union(found)))
            if not found:
                continue
            merged = merged_of.get(found)
            if merged is None:
                merged = {}
                for r in found:  # in the order the rules were added: a later one wins
                    merged.update(self._attrs[r])
                merged_of[found] = merged
            if merged:
                set_token_attrs(doc[i], merged)
        return doc


def _accepts(spec: _Spec, row: tuple[int, ...]) -> bool:
    """Whether a token with this row of values matches one pattern token."""
    return all(test(row[column]) for column, test, _ in spec)


def _make(nlp: Language, name: str, patterns: list[dict[str, Any]]) -> TableRuler:
    return TableRuler(nlp.vocab, patterns)


def use_table_ruler(nlp: Language, names: Iterable[str] = ("attribute_ruler",)) -> bool:
    """Swap ``nlp``'s attribute ruler for a :class:`TableRuler` of the same patterns, in
    its place and under its name; False (and nothing changed) when there is none or a
    pattern is beyond the table."""
    from spacy.language import Language as _Language
    from spacy.pipeline import AttributeRuler

    done = False
    for name in names:
        if name not in nlp.pipe_names:
            continue
        ruler = nlp.get_pipe(name)
        if not isinstance(ruler, AttributeRuler):
            continue
        patterns = ruler.patterns
        try:
            TableRuler(nlp.vocab, patterns)
        except Unsupported as why:
            log.debug("keeping spaCy's %s: %s", name, why)
            continue
        if FACTORY not in _Language.factories:
            _Language.factory(FACTORY, default_config={"patterns": []}, func=_make)
        # not validated against the factory's signature: 60 ms for 180 patterns, per load
        nlp.replace_pipe(name, FACTORY, config={"patterns": patterns}, validate=False)
        done = True
    return done
