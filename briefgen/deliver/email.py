"""The brief by e-mail: a plain-text message from a template, the chosen formats
attached, sent through SMTP (plain, STARTTLS or TLS; login with a password read from an
environment variable).

The subject is a one-line Jinja template (``deliver.email.subject``); the body is a
template file (``deliver.email.body``, default ``email.txt.j2``) looked up in the user's
templates folder, then the built-in theme. Both render in a sandbox with
``StrictUndefined``, with the variables of :class:`~briefgen.deliver.summary.Summary`.
"""

from __future__ import annotations

import mimetypes
import os
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import asdict
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from briefgen.config import Email
from briefgen.deliver.summary import Summary
from briefgen.errors import DeliveryError
from briefgen.render.environment import make_loader
from briefgen.render.paths import builtin_templates_dir, template_search_path


def build_message(
    settings: Email, summary: Summary, paths: Sequence[Path], templates: Path | None
) -> EmailMessage:
    """The message: headers, the text body, one attachment per format in ``attach``."""
    subject, body = _texts(settings, summary, templates)
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = ", ".join(settings.to)
    if settings.cc:
        message["Cc"] = ", ".join(settings.cc)
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2] or None)
    message.set_content(body)
    by_format = {p.suffix.lstrip(".").lower(): p for p in paths}
    for fmt in settings.attach:
        path = by_format.get(fmt)
        if path is None:
            raise DeliveryError(
                f"deliver.email.attach: the build wrote no {fmt} file; add {fmt} to "
                "output.formats or remove it from attach"
            )
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if path.suffix.lower() == ".md":
            mime = "text/markdown"
        maintype, subtype = mime.split("/", 1)
        message.add_attachment(
            path.read_bytes(), maintype=maintype, subtype=subtype, filename=path.name
        )
    return message


def send_email(
    settings: Email, summary: Summary, paths: Sequence[Path], templates: Path | None = None
) -> str:
    """Send the brief; returns "mailed to …". Raises :class:`DeliveryError` in one line."""
    message = build_message(settings, summary, paths, templates)
    smtp = settings.smtp
    password = None
    if smtp.user:
        password = os.environ.get(smtp.password_env)
        if not password:
            raise DeliveryError(
                f"deliver.email.smtp: the environment variable {smtp.password_env} (password_env)"
                f" holds no password for user {smtp.user!r}; set it where the build runs"
            )
    where = f"{smtp.host}:{smtp.port}"
    try:
        context = ssl.create_default_context()
        client: smtplib.SMTP
        if smtp.tls:
            client = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout, context=context)
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
        with client:
            client.ehlo()
            if smtp.starttls:
                client.starttls(context=context)
                client.ehlo()
            if smtp.user and password:
                client.login(smtp.user, password)
            refused = client.send_message(message, to_addrs=[*settings.to, *settings.cc])
    except smtplib.SMTPAuthenticationError as exc:
        raise DeliveryError(
            f"deliver.email: {where} refused the login of {smtp.user!r} ({_reply(exc)}); "
            f"check smtp.user and the password in {smtp.password_env}"
        ) from None
    except smtplib.SMTPRecipientsRefused as exc:
        raise DeliveryError(
            f"deliver.email: {where} refused every recipient "
            f"({', '.join(sorted(exc.recipients))}); fix deliver.email.to/cc"
        ) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(
            f"deliver.email: cannot send through {where} ({_reply(exc)}); check "
            "deliver.email.smtp (host, port, starttls/tls) and that the server is up"
        ) from None
    sent = [a for a in [*settings.to, *settings.cc] if a not in refused]
    note = f" ({len(refused)} refused: {', '.join(sorted(refused))})" if refused else ""
    attached = ", ".join(settings.attach) or "nothing"
    return f"mailed to {', '.join(sent)} through {where}, {attached} attached{note}"


def _texts(settings: Email, summary: Summary, templates: Path | None) -> tuple[str, str]:
    env = ImmutableSandboxedEnvironment(
        loader=make_loader(template_search_path(templates), builtin_templates_dir()),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    variables = asdict(summary)
    try:
        subject = env.from_string(settings.subject).render(variables)
    except TemplateError as exc:
        raise DeliveryError(f"deliver.email.subject: {exc}; fix the template") from None
    try:
        body = env.get_template(settings.body).render(variables)
    except TemplateError as exc:
        raise DeliveryError(
            f"deliver.email.body: template {settings.body!r}: {exc}; fix it or the key"
        ) from None
    return " ".join(subject.split())[:300], body


def _reply(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        error = exc.smtp_error
        text = error.decode("utf-8", "replace") if isinstance(error, bytes) else str(error)
        return f"{exc.smtp_code} {' '.join(text.split())}"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
