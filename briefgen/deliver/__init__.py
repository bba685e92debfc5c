"""Delivery after a build: the brief mailed (SMTP) and announced to a chat (webhook).

:func:`deliver` runs only once every output is written (the command line calls it after
:func:`briefgen.pipeline.build`); each channel is tried, and a failure of any becomes one
:class:`~briefgen.errors.DeliveryError` naming every channel that failed. The brief on
disk is never touched here.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from briefgen.config import Config
from briefgen.deliver.email import send_email
from briefgen.deliver.summary import Summary, summarize
from briefgen.deliver.webhook import post_webhook
from briefgen.errors import DeliveryError
from briefgen.model import Brief

__all__ = ["Summary", "deliver", "post_webhook", "send_email", "summarize"]

log = logging.getLogger(__name__)


def deliver(config: Config, brief: Brief, paths: Sequence[Path]) -> list[str]:
    """Send the brief written at ``paths`` through every channel of ``config.deliver``.

    Returns what was done (one phrase per channel); raises
    :class:`~briefgen.errors.DeliveryError` when any channel failed (after trying all).
    """
    settings = config.deliver
    if settings.email is None and settings.webhook is None:
        return []
    summary = summarize(brief, paths, settings.link_base)
    done: list[str] = []
    failed: list[str] = []
    templates = config.resolve(config.templates) if config.templates else None
    if settings.email is not None:
        try:
            done.append(send_email(settings.email, summary, paths, templates))
        except DeliveryError as exc:
            failed.append(str(exc))
    if settings.webhook is not None:
        try:
            done.append(post_webhook(settings.webhook, summary))
        except DeliveryError as exc:
            failed.append(str(exc))
    for line in done:
        log.info("deliver: %s", line)
    if failed:
        raise DeliveryError("; ".join(failed) + " (the brief is written; run again to resend)")
    return done
