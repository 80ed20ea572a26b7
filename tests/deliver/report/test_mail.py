"""The report by e-mail, sent to a real SMTP server on loopback (aiosmtpd): the PDF and XLSX
attached, addresses checked, STARTTLS required unless turned off for a local relay, and a
refused sign-in or a missing server said in a sentence that never shows the password."""

from __future__ import annotations

import datetime as dt
import email
import socket
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner

from socialroi.deliver.cli.main import main
from socialroi.deliver.report.mail import SmtpSettings, address, mail_report
from socialroi.errors import SocialroiError
from socialroi.model.periods import relative_period


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append((list(envelope.rcpt_tos), envelope.original_content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    inbox = Inbox()
    ctl = Controller(inbox, hostname="127.0.0.1", port=free_port())
    ctl.start()
    try:
        yield inbox, ctl.port
    finally:
        ctl.stop()


@pytest.fixture
def files(tmp_path) -> dict[str, Path]:
    out = {}
    for fmt, data in (("pdf", b"%PDF-1.7 report"), ("xlsx", b"PK\x03\x04 sheet"), ("html", b"<p>")):
        out[fmt] = tmp_path / f"socialroi-2026-Q3-dtc-en.{fmt}"
        out[fmt].write_bytes(data)
    return out


def env(port: int, **more: str) -> dict[str, str]:
    return {
        "SOCIALROI_SMTP_HOST": "127.0.0.1",
        "SOCIALROI_SMTP_PORT": str(port),
        "SOCIALROI_SMTP_STARTTLS": "0",
        "SOCIALROI_SMTP_FROM": "reports@brand.example",
        **more,
    }


def test_the_pdf_and_xlsx_arrive_attached(smtp, files):
    inbox, port = smtp
    sent = mail_report(files, ["cmo@brand.example"], "2026-Q3", SmtpSettings.from_env(env(port)))
    assert sent == ["cmo@brand.example"]
    ((rcpt, raw),) = inbox.messages
    assert rcpt == ["cmo@brand.example"]
    msg = email.message_from_bytes(raw, policy=policy.default)
    assert msg["Subject"] == "socialroi report 2026-Q3"
    assert msg["From"] == "reports@brand.example"
    got = {p.get_filename(): p.get_content() for p in msg.iter_attachments()}
    assert got == {
        "socialroi-2026-Q3-dtc-en.pdf": b"%PDF-1.7 report",
        "socialroi-2026-Q3-dtc-en.xlsx": b"PK\x03\x04 sheet",
    }


def test_starttls_is_required_unless_turned_off(smtp, files):
    _, port = smtp
    settings = SmtpSettings.from_env({**env(port), "SOCIALROI_SMTP_STARTTLS": "1"})
    with pytest.raises(SocialroiError, match="offers no STARTTLS"):
        mail_report(files, ["cmo@brand.example"], "2026-Q3", settings)


def test_a_refused_connection_is_a_sentence_without_the_password(files):
    port = free_port()  # nothing listens there
    settings = SmtpSettings.from_env(
        env(port, SOCIALROI_SMTP_USER="u", SOCIALROI_SMTP_PASSWORD="s3cr3t")
    )
    with pytest.raises(SocialroiError) as got:
        mail_report(files, ["cmo@brand.example"], "2026-Q3", settings)
    assert f"127.0.0.1:{port}" in str(got.value)
    assert "s3cr3t" not in str(got.value) and "s3cr3t" not in repr(settings)


@pytest.mark.parametrize(
    "bad",
    ["cmo@brand.example\r\nBcc: all@x.example", "a@b.example, c@d.example", "no-at-sign",
     "Boss <boss@brand.example>", "x@localhost"],
)  # fmt: skip
def test_addresses_are_one_plain_address(bad):
    with pytest.raises(SocialroiError):
        address(bad)


def test_no_server_configured_says_which_variables():
    with pytest.raises(SocialroiError, match="SOCIALROI_SMTP_HOST"):
        SmtpSettings.from_env({})


def test_relative_periods_for_a_schedule():
    assert relative_period("last-quarter", dt.date(2026, 10, 1)) == "2026-Q3"
    assert relative_period("last-quarter", dt.date(2027, 1, 1)) == "2026-Q4"
    assert relative_period("last-month", dt.date(2026, 3, 1)) == "2026-02"
    assert relative_period("last-month", dt.date(2026, 1, 15)) == "2025-12"
    assert relative_period("2026-Q3", dt.date(2026, 10, 1)) == "2026-Q3"


def test_the_report_command_builds_and_sends(smtp, tmp_path, monkeypatch, files):
    """`socialroi report --email`: the addresses and server are checked before the build,
    the PDF and XLSX are built even when --format names only html, then sent."""
    inbox, port = smtp
    asked = {}

    def fake_build(ws, *, formats, out, **kw):
        asked.update(formats=formats, period=kw["period"])
        return {f: files[f] for f in formats}

    monkeypatch.setattr("socialroi.deliver.report.build_report", fake_build)
    for k, v in env(port).items():
        monkeypatch.setenv(k, v)
    ws = str(tmp_path / "w.duckdb")
    assert CliRunner().invoke(main, ["init", "-w", ws]).exit_code == 0
    run = CliRunner().invoke(
        main,
        ["report", "-w", ws, "--period", "2026-Q3", "--format", "html", "--email",
         "cmo@brand.example", "--email", "cfo@brand.example"],
    )  # fmt: skip
    assert run.exit_code == 0, run.output
    assert set(asked["formats"]) == {"html", "pdf", "xlsx"}
    assert inbox.messages[0][0] == ["cmo@brand.example", "cfo@brand.example"]
    assert "sent to cmo@brand.example, cfo@brand.example" in run.output


def test_a_bad_address_stops_before_the_build(tmp_path, monkeypatch):
    monkeypatch.setattr(
        "socialroi.deliver.report.build_report",
        lambda *a, **k: pytest.fail("the report was built for a bad address"),
    )
    run = CliRunner().invoke(
        main, ["report", "-w", str(tmp_path / "w.duckdb"), "--period", "2026-Q3", "--email", "x"]
    )
    assert run.exit_code != 0 and "not an e-mail address" in run.output
