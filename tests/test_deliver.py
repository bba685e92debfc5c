"""Delivery after a build (briefgen.deliver), against real servers started by the test:
an SMTP server (aiosmtpd) that keeps every message, and a local HTTP receiver for the
webhook. A failed delivery keeps the brief and exits with code 5; --no-deliver skips it."""

from __future__ import annotations

import email
import json
import socket
import threading
from collections.abc import Iterator
from email.message import Message
from email.policy import default
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from briefgen.config import parse_config
from briefgen.deliver import deliver
from briefgen.deliver.webhook import payload
from briefgen.errors import DeliveryError
from briefgen.model import Brief, KeyDevelopment, Marking, Period

aiosmtpd_controller = pytest.importorskip("aiosmtpd.controller")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Inbox:
    """aiosmtpd handler: every message received, parsed."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(
            (list(envelope.rcpt_tos), email.message_from_bytes(envelope.content, policy=default))
        )
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = aiosmtpd_controller.Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


class Receiver:
    def __init__(self, status: int = 200) -> None:
        self.posts: list[tuple[str, dict[str, Any]]] = []
        self.status = status


@pytest.fixture
def webhook() -> Iterator[tuple[Receiver, str]]:
    receiver = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers["Content-Length"])
            body = json.loads(self.rfile.read(length))
            receiver.posts.append((self.headers["Content-Type"], body))
            self.send_response(receiver.status)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver, f"http://127.0.0.1:{server.server_address[1]}/hooks/abc"
    finally:
        server.shutdown()
        server.server_close()


def small_brief() -> Brief:
    return Brief(
        title="Daily brief — Valdora",
        generated_at="2024-05-02T06:00:00+00:00",
        period=Period(start="2024-05-01", end="2024-05-02"),
        marking=Marking(label="TLP:AMBER", system="tlp"),
        bluf=["Valdora closed its northern port terminal."],
        key_developments=[
            KeyDevelopment(id=f"d{i}", summary=f"Development number {i}.") for i in range(7)
        ],
    )


def written(tmp_path: Path) -> list[Path]:
    out = tmp_path / "out"
    out.mkdir()
    paths = []
    for ext, data in (("pdf", b"%PDF-1.7 fake"), ("md", b"# brief\n"), ("json", b"{}\n")):
        path = out / f"brief-2024-05-02.{ext}"
        path.write_bytes(data)
        paths.append(path)
    return paths


def config_with(tmp_path: Path, deliver_yaml: str) -> Any:
    text = "sources:\n  - path: articles\n" + deliver_yaml
    import yaml

    return parse_config(yaml.safe_load(text), tmp_path, config_path=tmp_path / "config.yaml")


def test_mail_reaches_the_smtp_server_with_its_attachments(
    tmp_path: Path, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    config = config_with(
        tmp_path,
        "deliver:\n  email:\n    to: [desk@example.org]\n    cc: [chief@example.org]\n"
        "    from: briefgen@example.org\n"
        f"    smtp: {{host: 127.0.0.1, port: {port}, starttls: false}}\n"
        "    attach: [pdf, md]\n",
    )
    done = deliver(config, small_brief(), written(tmp_path))
    assert done and done[0].startswith("mailed to desk@example.org, chief@example.org")
    [(recipients, message)] = inbox.messages
    assert recipients == ["desk@example.org", "chief@example.org"]
    assert message["Subject"] == "Daily brief — Valdora (TLP:AMBER), 2024-05-02"
    assert message["From"] == "briefgen@example.org"
    assert message["Cc"] == "chief@example.org"
    parts = {p.get_filename(): p for p in message.walk() if p.get_filename()}
    assert set(parts) == {"brief-2024-05-02.pdf", "brief-2024-05-02.md"}
    assert parts["brief-2024-05-02.pdf"].get_payload(decode=True) == b"%PDF-1.7 fake"
    assert parts["brief-2024-05-02.pdf"].get_content_type() == "application/pdf"
    body = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    text = body.get_payload(decode=True).decode()
    assert "Valdora closed its northern port terminal." in text
    assert "Development number 4." in text and "Development number 5." not in text


def test_subject_and_body_come_from_the_users_templates(
    tmp_path: Path, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "email.txt.j2").write_text("Desk copy: {{ documents }} docs\n")
    config = config_with(
        tmp_path,
        "templates: templates\n"
        "deliver:\n  email:\n    to: [desk@example.org]\n    from: b@example.org\n"
        f"    smtp: {{host: 127.0.0.1, port: {port}}}\n"
        '    subject: "Brief {{ date }}\\nBcc: x@evil.example"\n    attach: []\n',
    )
    deliver(config, small_brief(), written(tmp_path))
    [(_, message)] = inbox.messages
    assert message["Subject"] == "Brief 2024-05-02 Bcc: x@evil.example"  # one line
    assert message["Bcc"] is None
    assert message.get_payload(decode=True).decode().strip() == "Desk copy: 0 docs"


def test_password_comes_from_the_environment_only(
    tmp_path: Path, smtp: tuple[Inbox, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, port = smtp
    monkeypatch.delenv("DESK_SMTP_PW", raising=False)
    config = config_with(
        tmp_path,
        "deliver:\n  email:\n    to: [desk@example.org]\n    from: b@example.org\n"
        f"    smtp: {{host: 127.0.0.1, port: {port}, user: desk, password_env: DESK_SMTP_PW}}\n",
    )
    with pytest.raises(DeliveryError, match="DESK_SMTP_PW .* holds no password"):
        deliver(config, small_brief(), written(tmp_path))


def test_a_password_key_in_the_file_is_refused(tmp_path: Path) -> None:
    from briefgen.errors import ConfigError

    with pytest.raises(ConfigError, match="password"):
        config_with(
            tmp_path,
            "deliver:\n  email:\n    to: [a@example.org]\n    from: b@example.org\n"
            "    smtp: {password: hunter2}\n",
        )


def test_unreachable_server_is_one_clear_delivery_error(tmp_path: Path) -> None:
    port = free_port()  # nothing listens there
    config = config_with(
        tmp_path,
        "deliver:\n  email:\n    to: [desk@example.org]\n    from: b@example.org\n"
        f"    smtp: {{host: 127.0.0.1, port: {port}, timeout: 5}}\n",
    )
    with pytest.raises(DeliveryError) as err:
        deliver(config, small_brief(), written(tmp_path))
    message = str(err.value)
    assert f"cannot send through 127.0.0.1:{port}" in message
    assert "the brief is written" in message and "\n" not in message


def test_webhook_posts_a_short_json_summary_with_links(
    tmp_path: Path, webhook: tuple[Receiver, str]
) -> None:
    receiver, url = webhook
    config = config_with(
        tmp_path,
        f"deliver:\n  webhook:\n    url: {url}\n  link_base: https://intranet.example.org/b/\n",
    )
    done = deliver(config, small_brief(), written(tmp_path))
    assert done == ["posted to 127.0.0.1 (HTTP 200)"]
    [(kind, body)] = receiver.posts
    assert kind == "application/json"
    assert body["text"].startswith("*Daily brief — Valdora* (TLP:AMBER)")
    assert body["links"]["pdf"] == "https://intranet.example.org/b/brief-2024-05-02.pdf"
    assert body["key_developments"][:2] == ["Development number 0.", "Development number 1."]
    assert body["documents"] == 0 and body["period"]


def test_webhook_error_status_is_a_delivery_error(
    tmp_path: Path, webhook: tuple[Receiver, str]
) -> None:
    receiver, url = webhook
    receiver.status = 500
    config = config_with(tmp_path, f"deliver:\n  webhook:\n    url: {url}\n")
    with pytest.raises(DeliveryError, match="answered HTTP 500"):
        deliver(config, small_brief(), written(tmp_path))


def test_payload_links_default_to_file_urls(tmp_path: Path) -> None:
    from briefgen.deliver import summarize

    body = payload(summarize(small_brief(), written(tmp_path)))
    assert body["links"]["md"].startswith("file:///")


def test_build_delivers_and_a_failed_delivery_exits_5_keeping_the_brief(
    make_project: Any, invoke: Any, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    article = (
        "Valdora closes northern port\n\n"
        "Port authorities in Valdora closed the northern terminal on Tuesday, the harbour "
        "master said. The closure will last two days, officials told reporters.\n"
    )
    deliver_yaml = (
        "deliver:\n  email:\n    to: [desk@example.org]\n    from: b@example.org\n"
        "    smtp: {host: 127.0.0.1, port: PORT, timeout: 5}\n    attach: [pdf, json]\n"
    )
    config = make_project(
        articles={"port.txt": article}, extra_config=deliver_yaml.replace("PORT", str(port))
    )
    result = invoke(["build", "--config", str(config), "--format", "json,pdf"])
    assert result.exit_code == 0, result.output
    [(_, message)] = inbox.messages
    assert {p.get_filename() for p in message.walk() if p.get_filename()} == {
        "brief.json",
        "brief.pdf",
    }
    dead = free_port()
    config.write_text(
        config.read_text().replace(f"port: {port}", f"port: {dead}"), encoding="utf-8"
    )
    result = invoke(["build", "--config", str(config), "--format", "json,pdf"])
    assert result.exit_code == 5
    assert "deliver.email: cannot send through" in result.output
    assert (config.parent / "out" / "brief.pdf").is_file()
    result = invoke(["build", "--config", str(config), "--format", "json", "--no-deliver"])
    assert result.exit_code == 0, result.output
    assert len(inbox.messages) == 1
