"""Sending the report by e-mail: the PDF and the XLSX attached, over SMTP with STARTTLS.

The server and the credentials come from the environment, never from the command line or a
file in the workspace, and the password is never printed or logged:

| variable | meaning | default |
|---|---|---|
| `SOCIALROI_SMTP_HOST` | the SMTP server | (required) |
| `SOCIALROI_SMTP_PORT` | its port | 587 |
| `SOCIALROI_SMTP_USER`, `SOCIALROI_SMTP_PASSWORD` | sign-in, when the server asks for one | none |
| `SOCIALROI_SMTP_FROM` | the sender | the user, else `socialroi@<host>` |
| `SOCIALROI_SMTP_STARTTLS` | `0` only for a relay on this machine that offers no TLS | `1` |
"""

from __future__ import annotations

import mimetypes
import os
import smtplib
import ssl
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path

from socialroi.errors import SocialroiError

ATTACHED = ("pdf", "xlsx")
MEDIA = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 587
    user: str | None = None
    password: str | None = None
    sender: str = ""
    starttls: bool = True

    def __repr__(self) -> str:  # never show the password
        return f"SmtpSettings(host={self.host!r}, port={self.port}, user={self.user!r})"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SmtpSettings:
        env = os.environ if env is None else env
        host = env.get("SOCIALROI_SMTP_HOST", "").strip()
        if not host:
            raise SocialroiError(
                "no mail server: set SOCIALROI_SMTP_HOST (and SOCIALROI_SMTP_PORT, "
                "SOCIALROI_SMTP_USER, SOCIALROI_SMTP_PASSWORD) to send the report by e-mail"
            )
        raw_port = env.get("SOCIALROI_SMTP_PORT", "587").strip()
        if not raw_port.isdigit() or not 0 < int(raw_port) < 65536:
            raise SocialroiError(f"SOCIALROI_SMTP_PORT must be a port number, not {raw_port!r}")
        user = env.get("SOCIALROI_SMTP_USER") or None
        sender = env.get("SOCIALROI_SMTP_FROM") or user or f"socialroi@{host}"
        return cls(
            host=host,
            port=int(raw_port),
            user=user,
            password=env.get("SOCIALROI_SMTP_PASSWORD") or None,
            sender=address(sender),
            starttls=env.get("SOCIALROI_SMTP_STARTTLS", "1").strip() not in ("0", "no", "false"),
        )


def address(text: str) -> str:
    """One e-mail address, checked: no header injection, one @, no display-name tricks."""
    raw = text.strip()
    if any(c in raw for c in "\r\n\0,;"):
        raise SocialroiError(f"not one e-mail address: {text!r}")
    _, addr = parseaddr(raw)
    local, at, domain = addr.partition("@")
    if addr != raw or not at or not local or "." not in domain or " " in addr:
        raise SocialroiError(f"not an e-mail address: {text!r} (expected name@example.com)")
    return addr


def message(
    files: Mapping[str, Path], to: Iterable[str], subject: str, sender: str, body: str
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = ", ".join(address(a) for a in to)
    msg["Subject"] = subject.replace("\r", " ").replace("\n", " ")
    msg.set_content(body)
    for fmt in ATTACHED:
        path = files.get(fmt)
        if path is None:
            continue
        media = MEDIA.get(fmt) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        main, sub = media.split("/", 1)
        msg.add_attachment(Path(path).read_bytes(), maintype=main, subtype=sub, filename=path.name)
    return msg


def send(msg: EmailMessage, settings: SmtpSettings, timeout: float = 30.0) -> None:
    """Deliver one message; a refused connection, TLS or sign-in is a sentence, not a
    traceback, and names the server (never the password)."""
    where = f"{settings.host}:{settings.port}"
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=timeout) as smtp:
            smtp.ehlo()
            if settings.starttls:
                if not smtp.has_extn("starttls"):
                    raise SocialroiError(
                        f"the mail server {where} offers no STARTTLS, so the report would travel "
                        "unencrypted; use a server with TLS (or SOCIALROI_SMTP_STARTTLS=0 for a "
                        "relay on this machine)"
                    )
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if settings.user:
                smtp.login(settings.user, settings.password or "")
            smtp.send_message(msg)
    except smtplib.SMTPAuthenticationError:
        raise SocialroiError(
            f"the mail server {where} refused the sign-in of {settings.user!r}"
        ) from None
    except smtplib.SMTPRecipientsRefused as exc:
        raise SocialroiError(
            f"the mail server {where} refused the recipient(s) {', '.join(exc.recipients)}"
        ) from None
    except (smtplib.SMTPException, OSError, ssl.SSLError) as exc:
        raise SocialroiError(
            f"could not send the report through {where}: {type(exc).__name__}: {exc}"
        ) from None


def mail_report(
    files: Mapping[str, Path],
    to: Iterable[str],
    period_label: str,
    settings: SmtpSettings | None = None,
) -> list[str]:
    """Send the report's PDF and XLSX to each address; returns the addresses."""
    recipients = [address(a) for a in to]
    settings = settings or SmtpSettings.from_env()
    missing = [f for f in ATTACHED if f not in files]
    if missing:
        raise SocialroiError(f"the e-mail carries the PDF and XLSX; build {', '.join(missing)} too")
    names = ", ".join(Path(files[f]).name for f in ATTACHED)
    body = (
        f"The socialroi executive report for {period_label} is attached ({names}).\n\n"
        "The figures are those of the workspace when the report was built.\n"
    )
    subject = f"socialroi report {period_label}"
    send(message(files, recipients, subject, settings.sender, body), settings)
    return recipients
