"""Wire-copy benchmark: what a brief of one Reuters wire story says that the story does not.

    python benchmarks/eval_wire.py [--limit N] [--corpus PATH] [--json OUT] [--show K]

Reads ``reuters-dev/`` of the shared corpus (``text/<id>.txt``: title line, blank line,
the body opening with its dateline; ``datelines.tsv``: each story's dateline place,
dateline as printed and publication date). Every story becomes a single-document brief
three ways, in the same run:

* **as ingested, no dateline**: the text read as briefgen read it before datelines were
  parsed (``Document.dateline`` left empty);
* **one-regex strip**: the dateline taken off the text by one regular expression (its
  place kept as the recovered place) and the rest read as is;
* **briefgen**: the story as ``briefgen build`` ingests it (the dateline parsed once at
  ingest, extraction reading the text after it).

Per document (the corpus README's conventions): a *leak* is the dateline as printed
("SALVADOR, Feb 26") or its place in the wire's capitals in any text of the key judgments,
developments, statements, risks, open questions or timeline (appendix included); a
*dateline speaker* is a statement whose speaker holds the dateline place; the *first
who* check asks whether ``key_developments[0].who`` names nothing but the dateline place
(or the state it lies in); the place is *recovered* when it is in a development's
``where`` or ``documents[].dateline.place``. ``direct`` statements are checked against
the source's quotation marks (straight or curly, a quote continued into the next
paragraph counts); a development is *hypothetical* when its sentence's main clause,
after the dateline and the attribution are taken off, has would/could/may/might/should
+ verb, "plans/intends/expects to" or "is expected/due/likely to".
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Token

    from briefgen.model import Brief, Document

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"

#: The one-regex strip: a capitalised place, optional region, a date, optional agency, a dash.
ONE_REGEX = re.compile(
    r"^(?P<place>[A-Z][A-Z .'&/-]*[A-Z.])(?:, [A-Za-z. ]+)*?(?:, \w+\.? \d{1,2})?"
    r"(?: \([A-Za-z ]+\))? -{1,2} ",
    re.MULTILINE,
)
SECTIONS = ("bluf_items", "key_developments", "statements", "risks", "open_questions", "timeline")
SPEECH = {"say", "tell", "announce", "report", "state", "add", "note", "declare", "claim"}
MODALS = {"would", "could", "may", "might", "should"}
INTEND = {"plan", "intend", "expect"}
EXPECTED = {"expect", "due", "likely"}

TARGETS = {
    "leak": ("≤ 0.01", lambda x: x <= 0.01),
    "speaker": ("0", lambda x: x == 0),
    "first_who": ("≤ 0.01", lambda x: x <= 0.01),
    "recovered": ("≥ 0.98", lambda x: x >= 0.98),
    "direct": ("≥ 0.98", lambda x: x >= 0.98),
    "hypothetical": ("≤ 0.03", lambda x: x <= 0.03),
    "hypothetical_first": ("0", lambda x: x == 0),
}
LABELS = {
    "leak": "dateline text inside any brief text (docs)",
    "speaker": "dateline read as a statement's speaker (docs)",
    "first_who": "first development's who is only the dateline place",
    "recovered": "dateline place recovered (where or documents[].dateline)",
    "direct": "direct statements whose content is inside quotes",
    "hypothetical": "key developments that are hypothetical (of all)",
    "hypothetical_first": "documents whose first development is hypothetical",
}


@dataclass
class Story:
    file: str
    text: str
    title: str
    place: str  # as printed, in the wire's capitals
    printed: str  # the dateline as printed ("SALVADOR, Feb 26")
    published: str | None


@dataclass
class Tally:
    docs: int = 0
    leak: int = 0
    speaker: int = 0
    first_who: int = 0
    recovered: int = 0
    direct: int = 0
    direct_quoted: int = 0
    developments: int = 0
    hypothetical: int = 0
    hypothetical_first: int = 0
    with_first: int = 0
    examples: dict[str, list[str]] = field(default_factory=dict)

    def note(self, kind: str, text: str, keep: int) -> None:
        got = self.examples.setdefault(kind, [])
        if len(got) < keep:
            got.append(text)

    def figures(self) -> dict[str, float]:
        def share(a: int, b: int) -> float:
            return a / b if b else 0.0

        return {
            "leak": share(self.leak, self.docs),
            "speaker": share(self.speaker, self.docs),
            "first_who": share(self.first_who, self.docs),
            "recovered": share(self.recovered, self.docs),
            "direct": share(self.direct_quoted, self.direct),
            "hypothetical": share(self.hypothetical, self.developments),
            "hypothetical_first": share(self.hypothetical_first, self.with_first),
        }


def read_stories(folder: Path, limit: int | None) -> list[Story]:
    rows = list(csv.DictReader((folder / "datelines.tsv").open(encoding="utf-8"), delimiter="\t"))
    rows.sort(key=lambda r: int(r["file"].split(".")[0]) if r["file"][0].isdigit() else 0)
    out = []
    for row in rows[:limit] if limit else rows:
        text = (folder / "text" / row["file"]).read_text(encoding="utf-8")
        title = text.split("\n", 1)[0].strip()
        out.append(
            Story(
                row["file"],
                text,
                title,
                row["dateline_place"],
                row["dateline"],
                row["published"] or None,
            )
        )
    return out


# --------------------------------------------------------------------------- checks


def quoted_at(text: str, pos: int) -> bool:
    """Whether ``pos`` lies inside quotation marks: straight quotes toggle, curly ones open
    and close, a paragraph break closes (a journalist's continued quote opens the next
    paragraph with a quotation mark again)."""
    state = False
    for m in re.finditer(r"[\"“”]|\n[ \t]*\n", text[:pos]):
        ch = m.group()
        if ch.startswith("\n"):
            state = False
        elif ch == '"':
            state = not state
        else:
            state = ch == "“"
    return state


def in_quotes(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` (quotation marks and punctuation at its edges aside)
    begins and ends inside a quotation."""
    while start < end and (text[start].isspace() or text[start] in '"“”'):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in '"“”.,;:'):
        end -= 1
    return start < end and quoted_at(text, start) and quoted_at(text, end)


def _main_verb(root: Token) -> Token:
    """The clause a report is about: past "X said (that) …" to what was said."""
    verb = root
    for _ in range(2):
        if verb.lemma_.lower() in SPEECH:
            inner = [c for c in verb.children if c.dep_ in ("ccomp", "xcomp")]
            if inner:
                verb = inner[0]
                continue
        break
    return verb


def hypothetical(nlp: Language, sentence: str) -> bool:
    text = ONE_REGEX.sub("", sentence, count=1).strip()
    doc = nlp(text)
    sents = list(doc.sents)
    if not sents:
        return False
    verb = _main_verb(sents[0].root)
    kids = list(verb.children)
    if any(c.dep_ == "aux" and c.lower_ in MODALS for c in kids):
        return True
    to_x = [c for c in kids if c.dep_ == "xcomp" and any(g.lower_ == "to" for g in c.children)]
    if verb.lemma_.lower() in INTEND and to_x:
        return True
    if verb.lemma_.lower() in EXPECTED and to_x:
        return True
    if verb.lemma_.lower() == "be":
        for c in kids:
            if c.dep_ in ("acomp", "attr") and c.lower_ in ("due", "likely", "expected"):
                if any(g.dep_ == "xcomp" for g in c.children) or to_x:
                    return True
    return False


def _texts(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            if k not in ("id", "doc", "actor_id", "actor_ids", "category", "date", "sort_key"):
                yield from _texts(v)
    elif isinstance(value, list):
        for v in value:
            yield from _texts(v)


def brief_texts(brief: Brief) -> Iterator[str]:
    data = json.loads(brief.to_json(indent=None))
    yield from data.get("bluf", [])
    for part in (data, data.get("appendix", {})):
        for name in SECTIONS:
            yield from _texts(part.get(name, []))


def place_forms(story: Story) -> set[str]:
    """The dateline place as a reader may meet it: as printed, as a name, its state."""
    from briefgen.extract.gazetteer import load_gazetteer

    try:
        from briefgen.ingest.dateline import place_name
    except ImportError:  # an older briefgen (measured for comparison): no dateline parser

        def place_name(printed: str) -> str:
            return printed.title() if printed.isupper() else printed

    forms = {story.place.casefold(), place_name(story.place).casefold()}
    entry = load_gazetteer().lookup(place_name(story.place))
    if entry is not None:
        forms.add(entry.name.casefold())
        state = getattr(entry, "state", None) or getattr(entry, "country", None)
        if isinstance(state, str) and state:
            forms.add(state.casefold())
    return forms


def mentions(sentence: str, name: str) -> bool:
    """Whether ``sentence`` names ``name`` itself or by a form the gazetteer knows
    ("U.S." for the United States), not counting a capital standing for its state."""
    from briefgen.extract.gazetteer import load_gazetteer

    if name.casefold() in sentence.casefold():
        return True
    gz = load_gazetteer()
    words = re.findall(r"[\w.'’-]+", sentence)
    for n in (1, 2, 3):
        for i in range(len(words) - n + 1):
            entry = gz.lookup(" ".join(words[i : i + n]).strip(".") if n > 1 else words[i])
            if entry is not None and entry.name == name and entry.kind != "capital":
                return True
    return False


def score(
    nlp: Language, story: Story, text: str, brief: Brief, place: str | None, tally: Tally, keep: int
) -> None:
    tally.docs += 1
    upper = story.place.upper()
    caps = re.compile(rf"(?<![\w-]){re.escape(upper)}(?![\w-])") if story.place else None
    leaked = next(
        (
            t
            for t in brief_texts(brief)
            if (story.printed in t or (caps and caps.search(t)))
            and t.strip() not in story.title  # the title line is not the dateline
        ),
        None,
    )
    if leaked is not None:
        tally.leak += 1
        tally.note("leak", f"{story.file}: {leaked[:140]}", keep)
    forms = place_forms(story)
    # Where the dateline stands in the text read (none once a regex took it off).
    at = text.find(story.printed) if story.printed else -1
    dl_span = (at, at + len(story.printed)) if at >= 0 else (-1, -1)
    speakers = [*brief.statements, *brief.appendix.statements]
    for st in speakers:
        from_dateline = st.speaker.start < dl_span[1] and st.speaker.end > dl_span[0]
        if from_dateline or (caps is not None and caps.search(st.speaker.text)):
            tally.speaker += 1
            tally.note(
                "speaker", f"{story.file}: {st.speaker.text!r} — {st.content.text[:80]}", keep
            )
            break
    devs = [*brief.key_developments, *brief.appendix.key_developments]
    if devs and devs[0].who and all(w.casefold() in forms for w in devs[0].who):
        # Only the dateline can have named it: the sentence does not mention it.
        sentence = ONE_REGEX.sub("", devs[0].evidence[0].text if devs[0].evidence else "")
        if not any(mentions(sentence, w) for w in devs[0].who):
            tally.first_who += 1
            tally.note(
                "first_who", f"{story.file}: who={devs[0].who} — {devs[0].summary[:80]}", keep
            )
    where = {w.casefold() for d in devs for w in d.where}
    lines = [getattr(d, "dateline", None) for d in brief.documents]  # None: an older briefgen
    dateline_places = {(line.place if line else "").casefold() for line in lines}
    if place:
        dateline_places.add(place.casefold())
    got = (where | dateline_places) & forms or any(
        p.split(",")[0].strip() in forms for p in dateline_places if p
    )
    if got:
        tally.recovered += 1
    for st in speakers:
        if st.direct:
            tally.direct += 1
            if in_quotes(text, st.content.start, st.content.end):
                tally.direct_quoted += 1
            else:
                tally.note("direct", f"{story.file}: {st.content.text[:120]!r}", keep)
    for k, dev in enumerate(devs):
        sentence = dev.evidence[0].text if dev.evidence else dev.summary
        hyp = hypothetical(nlp, sentence)
        tally.developments += 1
        tally.hypothetical += hyp
        if k == 0:
            tally.with_first += 1
            tally.hypothetical_first += hyp
        if hyp:
            tally.note("hypothetical", f"{story.file}#{k}: {sentence[:120]}", keep)


# --------------------------------------------------------------------------- runs


def documents(stories: Sequence[Story], mode: str) -> tuple[list[Document], list[str | None]]:
    from briefgen.ingest.base import headline
    from briefgen.model import Document

    docs, places = [], []
    for s in stories:
        text, place = s.text, None
        if mode == "regex":
            m = ONE_REGEX.search(text)
            if m:
                place = m.group("place")
                text = text[: m.start()] + text[m.end() :]
        doc = Document(
            text=text, title=headline(text) or s.title, path=s.file, published=s.published
        )
        if mode == "briefgen":
            from briefgen.ingest.dateline import with_dateline

            with_dateline(doc)
        docs.append(doc)
        places.append(place)
    return docs, places


def run(nlp: Language, stories: Sequence[Story], mode: str, keep: int) -> tuple[Tally, float]:
    from briefgen.config import Sections
    from briefgen.facts import extract_documents
    from briefgen.fuse import FuseOptions, fuse

    docs, places = documents(stories, mode)
    t0 = time.perf_counter()
    tally = Tally()
    now = datetime.now()
    big = Sections(statements=10**4, key_developments=8)
    for story, doc, place, facts in zip(
        stories, docs, places, extract_documents(nlp, docs, batch_size=32), strict=True
    ):
        brief = fuse([facts], FuseOptions(title=doc.title, sections=big), now)
        score(nlp, story, doc.text, brief, place, tally, keep)
    return tally, time.perf_counter() - t0


def _fmt(x: float) -> str:
    return f"{x:6.3f}"


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--limit", type=int, default=None, help="only the first N stories")
    p.add_argument("--corpus", default=None, help="corpus folder (default ../shared/corpus)")
    p.add_argument("--json", default=None, metavar="OUT", help="also write the figures as JSON")
    p.add_argument("--show", type=int, default=0, metavar="K", help="K examples per failure")
    p.add_argument("--model", default="auto", help="spaCy model (default: auto)")
    p.add_argument(
        "--modes", default="plain,regex,briefgen", help="which runs (plain,regex,briefgen)"
    )
    args = p.parse_args(argv)
    corpus = Path(args.corpus or os.environ.get("BRIEFGEN_CORPUS") or DEFAULT_CORPUS)
    folder = corpus / "reuters-dev"
    if not (folder / "datelines.tsv").is_file():
        print(f"corpus not found at {folder}; skipping")
        return 0
    from briefgen.nlp import load_nlp

    stories = read_stories(folder, args.limit)
    nlp = load_nlp(args.model, None)
    modes = [m for m in args.modes.split(",") if m]
    results: dict[str, dict[str, float]] = {}
    tallies: dict[str, Tally] = {}
    for mode in modes:
        tally, secs = run(nlp, stories, mode, args.show)
        results[mode] = tally.figures()
        tallies[mode] = tally
        print(f"{mode}: {len(stories)} stories in {secs:.1f} s", file=sys.stderr)
    names = {"plain": "no dateline", "regex": "one-regex", "briefgen": "briefgen"}
    print(f"\nreuters-dev: {len(stories)} wire stories")
    head = f"{'check':<56}" + "".join(f"{names[m]:>12}" for m in modes) + f"{'target':>9}  verdict"
    print(head)
    print("-" * len(head))
    final = modes[-1]
    for key, label in LABELS.items():
        target, ok = TARGETS[key]
        row = f"{label:<56}" + "".join(f"{_fmt(results[m][key]):>12}" for m in modes)
        print(f"{row}{target:>9}  {'PASS' if ok(results[final][key]) else 'FAIL'}")
    t = tallies[final]
    print(
        f"\n({final}: {t.direct} direct statements, {t.developments} key developments, "
        f"{t.with_first} documents with one)"
    )
    if args.show:
        for kind, items in t.examples.items():
            print(f"\n{kind}:")
            for item in items:
                print(f"  {item}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
