"""The pipeline's matrix products through numpy's BLAS, on one thread.

spaCy's CPU models run their layers on thinc's ``NumpyOps``, whose ``gemm`` (every
dense layer's matrix product: the token-to-vector encoders, the entity recogniser's
own encoder, the parser's input layer) calls BLIS. The BLIS build that ships with thinc
picks its kernels by CPU model, and on processors it does not know (AMD Zen 3 and
later: ``BLIS_ARCH_DEBUG=1`` prints ``selecting sub-configuration 'generic'``) it falls
back to generic SSE code, three times slower than numpy's OpenBLAS on the same
products (explosion/cython-blis#53). :func:`use_numpy_gemm` gives every layer of a
pipeline ``NumpyGemmOps`` (:func:`numpy_gemm_ops`): the same ops, with ``gemm`` done by
``numpy.matmul``. On a Zen 3 server that makes the whole parse a quarter faster.

The products are the same sums in a different order, so a score can differ in its last
bits; the tags, parses and entities of the development corpora came out the same token
for token (``PIPELINE_VERSION`` was bumped all the same, so facts cached from a BLIS
parse are made again). numpy's BLAS is held to one thread in a process that parses
(:func:`one_blas_thread`): the build runs one parsing process per core, and a
product's result then does not depend on how many threads shared it.
"""

from __future__ import annotations

import functools
import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger(__name__)

_LIMITS: list[Any] = []  # the threadpoolctl limiter, kept for the process's life


@functools.cache
def numpy_gemm_ops() -> type:
    """``NumpyGemmOps``: thinc's ``NumpyOps`` with ``gemm`` by ``numpy.matmul`` (the class is
    made on first use: thinc comes with spaCy, imported only when a model loads)."""
    import numpy
    from thinc.api import NumpyOps

    class NumpyGemmOps(NumpyOps):
        name = "numpy"

        def gemm(
            self, x: Any, y: Any, *, out: Any = None, trans1: bool = False, trans2: bool = False
        ) -> Any:
            a = x.T if trans1 else x
            b = y.T if trans2 else y
            if out is None:
                return numpy.matmul(a, b)
            numpy.matmul(a, b, out=out)
            return out

    return NumpyGemmOps


def one_blas_thread() -> None:
    """Hold numpy's BLAS to one thread in this process (once)."""
    if _LIMITS:
        return
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - a dependency
        return
    _LIMITS.append(threadpool_limits(limits=1, user_api="blas"))


def use_numpy_gemm(nlp: Language) -> int:
    """Give every layer of ``nlp``'s trainable components ``NumpyGemmOps``
    (:func:`numpy_gemm_ops`) in place of thinc's plain ``NumpyOps`` (a GPU's or another
    backend's ops are left alone), and hold numpy's BLAS to one thread. Returns how many
    layers changed."""
    from thinc.api import NumpyOps

    ops = numpy_gemm_ops()()
    changed = 0
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if model is None or not hasattr(model, "walk"):
            continue
        for node in model.walk():
            if type(node.ops) is NumpyOps:
                node.ops = ops
                changed += 1
    if changed:
        one_blas_thread()
    log.debug("nlp: %d layer(s) multiply through numpy's BLAS", changed)
    return changed
