"""The nlp stage: load the spaCy pipeline once and run it over documents.

* :mod:`~briefgen.nlp.models`: which pipeline (resolution, its version read without
  importing spaCy) and :func:`load_nlp`, the pipeline briefgen runs;
* :mod:`~briefgen.nlp.sentences`: the sentence fixer added before the parser;
* :mod:`~briefgen.nlp.stream`: batches inside memory zones;
* :mod:`~briefgen.nlp.workers`: the per-document map (parse, then a job such as
  extraction, on each Doc) in this process, overlapped with one worker, or in
  worker processes.

Nothing here imports spaCy at import time, and nothing knows what the job does.
"""

from briefgen.nlp.models import (
    PIPELINE_VERSION,
    ModelInfo,
    load_nlp,
    model_info,
    model_name,
    resolve_model,
    spacy_version,
)
from briefgen.nlp.stream import memory_zone, pipe_streamed

__all__ = [
    "PIPELINE_VERSION",
    "ModelInfo",
    "load_nlp",
    "memory_zone",
    "model_info",
    "model_name",
    "pipe_streamed",
    "resolve_model",
    "spacy_version",
]
