"""The one exception family of briefgen.

Library code raises these; only :mod:`briefgen.cli` turns them into exit codes
(see ``EXIT_CODES`` there and the README). Every message is one line that names
the file or key at fault and says how to fix it.
"""

from __future__ import annotations


class BriefgenError(Exception):
    """Base class of every error briefgen reports to its user."""

    exit_code = 1


class ConfigError(BriefgenError):
    """Raised by :mod:`briefgen.config` when ``config.yaml`` cannot be read or is invalid.

    ``problems`` lists every problem found, each as ``key.path: message``.
    """

    exit_code = 3

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        count = len(problems)
        head = f"{path}: {count} problem{'s' if count != 1 else ''} in the configuration"
        super().__init__(head + ": " + "; ".join(problems))


class InputError(BriefgenError):
    """Raised by :mod:`briefgen.ingest` when no usable document is left to brief."""


class ModelNotFoundError(BriefgenError):
    """Raised by :mod:`briefgen.nlp` when no spaCy English pipeline can be loaded."""


class TemplateError(BriefgenError):
    """Raised by :mod:`briefgen.render` for a missing, broken or unsafe template.

    The message names the template file and line where Jinja reports one.
    """


class RenderError(BriefgenError):
    """Raised by :mod:`briefgen.render` when an output format cannot be produced."""


class LockError(BriefgenError):
    """Raised by :mod:`briefgen.store.lock` (through :func:`briefgen.pipeline.build`) when another
    run holds this configuration's lock; the message names that run."""

    exit_code = 4


class RunTimeoutError(BriefgenError):
    """Raised by :func:`briefgen.pipeline.build` when the run takes longer than
    ``run.timeout``; the message says which stage it was in."""


class LockUnavailableError(LockError):
    """Raised by :mod:`briefgen.store.lock` when the lock file cannot be created at all (its
    folder is not writable): a build error (exit code 1), not "another run"."""

    exit_code = 1


class ScheduleError(BriefgenError):
    """Raised by :mod:`briefgen.project.schedule` (``briefgen schedule``) for a bad cron expression
    or a crontab that cannot be read or written (``crontab`` missing, permission denied)."""


class ProjectExistsError(BriefgenError):
    """Raised by :mod:`briefgen.project.scaffold` (``briefgen init``) when the target folder is not
    empty and ``--force`` was not given, or cannot be written."""


class DeliveryError(BriefgenError):
    """Raised by :mod:`briefgen.deliver` when the e-mail or the webhook of ``deliver:`` fails
    after a build. The brief is written and kept; the message names what failed and why."""

    exit_code = 5


class ExecutorError(BriefgenError):
    """Raised by :mod:`briefgen.nlp.cluster` when the Dask executor cannot run the per-document
    work: the extra is not installed, the scheduler cannot be reached or went away mid-build,
    no worker joined, or a worker cannot load the model. The message names the address."""
