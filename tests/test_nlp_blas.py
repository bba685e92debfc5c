"""The pipeline's matrix products through numpy's BLAS (briefgen.nlp.blas)."""

from __future__ import annotations

from typing import Any

import numpy
import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.tokens import Doc
from thinc.api import NumpyOps

from briefgen.nlp.blas import numpy_gemm_ops, use_numpy_gemm


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 40),
    st.integers(1, 40),
    st.integers(1, 40),
    st.booleans(),
    st.booleans(),
    st.booleans(),
    st.integers(0, 2**32 - 1),
)
def test_gemm_is_thincs_gemm(
    m: int, k: int, n: int, trans1: bool, trans2: bool, into: bool, seed: int
) -> None:
    rng = numpy.random.default_rng(seed)
    x = rng.standard_normal((k, m) if trans1 else (m, k)).astype("float32")
    y = rng.standard_normal((n, k) if trans2 else (k, n)).astype("float32")
    theirs = NumpyOps().gemm(x, y, trans1=trans1, trans2=trans2)
    ops = numpy_gemm_ops()()
    if into:
        out = numpy.full((m, n), numpy.nan, dtype="float32")
        ours = ops.gemm(x, y, out=out, trans1=trans1, trans2=trans2)
        assert ours is out
    else:
        ours = ops.gemm(x, y, trans1=trans1, trans2=trans2)
    assert ours.shape == theirs.shape == (m, n)
    numpy.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-4)


def _tagger_pipeline() -> Any:
    nlp = spacy.blank("en")
    tagger = nlp.add_pipe("tagger")
    for tag in ("NN", "VB", "DT", "JJ"):
        tagger.add_label(tag)  # type: ignore[attr-defined]
    nlp.initialize()
    rng = numpy.random.default_rng(7)  # weights that say something (the output layer starts at 0)
    tagger_model: Any = nlp.get_pipe("tagger")
    for node in tagger_model.model.walk():
        for name in node.param_names:
            if node.has_param(name):
                shape = node.get_param(name).shape
                node.set_param(name, (rng.standard_normal(shape) * 0.3).astype("float32"))
    return nlp


def test_a_trained_pipeline_tags_the_same_with_numpys_gemm() -> None:
    stock = _tagger_pipeline()
    ours = spacy.blank("en")
    ours.add_pipe("tagger")
    ours.from_bytes(stock.to_bytes())  # the same weights
    assert use_numpy_gemm(ours) > 0
    words = "the quick brown fox jumps over the lazy dog again and again".split()
    a, b = Doc(stock.vocab, words=words), Doc(ours.vocab, words=words)
    theirs: Any = stock.get_pipe("tagger")
    mine: Any = ours.get_pipe("tagger")
    scores_stock = theirs.model.predict([a])[0]
    scores_ours = mine.model.predict([b])[0]
    numpy.testing.assert_allclose(scores_ours, scores_stock, rtol=1e-5, atol=1e-6)
    tags = [t.tag_ for t in stock(a)]
    assert len(set(tags)) > 1  # a real answer, not the output layer's zeros
    assert [t.tag_ for t in ours(b)] == tags


def test_only_plain_numpy_ops_are_replaced() -> None:
    class OtherOps(NumpyOps):  # another backend's ops: left alone
        pass

    nlp = _tagger_pipeline()
    tagger: Any = nlp.get_pipe("tagger")
    nodes = list(tagger.model.walk())
    nodes[0].ops = OtherOps()
    assert use_numpy_gemm(nlp) == len(nodes) - 1
    assert type(nodes[0].ops) is OtherOps
    assert all(type(n.ops).__name__ == "NumpyGemmOps" for n in nodes[1:])
    assert use_numpy_gemm(nlp) == 0  # nothing left to replace


def test_the_real_pipeline_multiplies_on_one_blas_thread(nlp: Any) -> None:
    threadpoolctl = pytest.importorskip("threadpoolctl")
    assert type(nlp.get_pipe("tok2vec").model.ops).__name__ == "NumpyGemmOps"
    assert type(nlp.get_pipe("ner").model.ops).__name__ == "NumpyGemmOps"
    blas = [p for p in threadpoolctl.threadpool_info() if p["user_api"] == "blas"]
    assert blas and all(p["num_threads"] == 1 for p in blas)
