"""The brief announced by webhook: one POST of a short JSON summary.

The body carries ``text`` (Markdown, which Slack, Mattermost, Rocket.Chat, Google Chat and
Microsoft Teams' incoming webhooks show as the message) plus the same facts as fields
for other receivers: ``title``, ``marking``, ``generated_at``, ``period``, ``documents``,
``key_developments`` and ``links`` (format → URL).
"""

from __future__ import annotations

from typing import Any

from briefgen.config import Webhook
from briefgen.deliver.summary import Summary
from briefgen.errors import DeliveryError


def payload(summary: Summary) -> dict[str, Any]:
    lines = [f"*{summary.title}* ({summary.marking}), {summary.generated}"]
    if summary.period:
        lines.append(f"Period: {summary.period}; {summary.documents} document(s)")
    else:
        lines.append(f"{summary.documents} document(s)")
    lines += [f"• {text}" for text in summary.developments[:3]]
    if summary.links:
        lines.append(" · ".join(f"<{url}|{fmt.upper()}>" for fmt, url in summary.links.items()))
    return {
        "text": "\n".join(lines),
        "title": summary.title,
        "marking": summary.marking,
        "generated_at": summary.generated_at,
        "period": summary.period,
        "documents": summary.documents,
        "key_developments": summary.developments,
        "links": summary.links,
    }


def post_webhook(settings: Webhook, summary: Summary) -> str:
    """POST the summary; returns "posted to …". Raises :class:`DeliveryError` in one line."""
    import httpx

    host = httpx.URL(settings.url).host
    try:
        response = httpx.post(
            settings.url,
            json=payload(summary),
            timeout=settings.timeout,
            follow_redirects=False,
            headers={"User-Agent": "briefgen"},
        )
    except httpx.HTTPError as exc:
        raise DeliveryError(
            f"deliver.webhook: cannot reach {host} ({type(exc).__name__}: {exc}); check "
            "deliver.webhook.url and the network"
        ) from None
    if not response.is_success:
        raise DeliveryError(
            f"deliver.webhook: {host} answered HTTP {response.status_code} "
            f"{response.reason_phrase}; check deliver.webhook.url"
        )
    return f"posted to {host} (HTTP {response.status_code})"
