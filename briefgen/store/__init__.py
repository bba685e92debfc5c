"""The run machinery: what a build keeps on disk and how it keeps it safe.

* :mod:`~briefgen.store.cache`: the per-document facts cache and the fused-brief cache;
* :mod:`~briefgen.store.state`: each configuration's run state (documents seen, the
  last briefs, for ``--only-new`` and "Since the last brief");
* :mod:`~briefgen.store.lock`: one run per configuration at a time;
* :mod:`~briefgen.store.atomic`: files written whole or not at all;
* :mod:`~briefgen.store.heap`: the garbage collector around the stages.

Nothing here knows a stage of the pipeline (ingest, nlp, extract, fuse, render).
"""
