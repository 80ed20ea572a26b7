"""`socialroi report`: the executive report as HTML, PDF and XLSX."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from socialroi.deliver.cli.common import console, err, open_workspace, workspace_option
from socialroi.errors import SocialroiError
from socialroi.model.periods import COMPARISONS, relative_period

STEP_NAMES = {
    "summary": "summary", "roi": "ROI by platform and market",
    "changes": "against the comparison period", "trends": "trends by network",
    "paid": "paid campaigns",
    "attribution": "attribution (every model)", "funnel": "funnel",
    "clv": "customer lifetime value", "content": "content", "costs": "costs",
    "quality": "data quality", "experiments": "experiments", "methodology": "methodology",
    "html": "writing HTML", "pdf": "writing PDF", "xlsx": "writing XLSX",
}  # fmt: skip


def _split(text: str | None) -> tuple[str, ...] | None:
    if not text:
        return None
    return tuple(v.strip() for v in text.split(",") if v.strip()) or None


@click.command()
@workspace_option
@click.option(
    "--period",
    required=True,
    help="2026-Q3, 2026-07, 2026, 2026-07-01..2026-09-30, or last-quarter / last-month "
    "(for a schedule).",
)
@click.option(
    "--compare",
    type=click.Choice([*COMPARISONS, "none"]),
    default="previous",
    show_default=True,
    help="Compare with the period before, the same period a year before, or nothing.",
)
@click.option(
    "--profile", default="dtc", show_default=True, help="dtc, b2b, brand or a profile file."
)
@click.option("--model", help="Attribution model (default: the profile's).")
@click.option("--markets", help="Comma-separated ISO countries to include (default all).")
@click.option("--platforms", help="Comma-separated platforms to include (default all).")
@click.option(
    "--lang",
    type=click.Choice(["en", "zh-CN"]),
    default="en",
    show_default=True,
    help="Language of the words, numbers and dates.",
)
@click.option(
    "--format",
    "formats",
    default="html,pdf,xlsx",
    show_default=True,
    help="Comma-separated: html, pdf, xlsx.",
)
@click.option("--out", default="reports", show_default=True, help="Folder for the files.")
@click.option(
    "--email",
    "emails",
    multiple=True,
    help="Send the PDF and XLSX to this address (repeatable); the server comes from "
    "SOCIALROI_SMTP_* (docs/report.md).",
)
def report(
    workspace, period, compare, profile, model, markets, platforms, lang, formats, out, emails
):
    """Write the executive report for a period: summary, ROI, attribution, funnel, CLV,
    content, costs, data quality and methodology; optionally e-mail it."""
    from socialroi.deliver.report import build_report  # deferred: start-up time
    from socialroi.deliver.report.mail import (  # deferred: start-up time
        ATTACHED,
        SmtpSettings,
        address,
        mail_report,
    )

    period = relative_period(period, dt.date.today())
    wanted = _split(formats) or ()
    if not wanted and not emails:
        raise SocialroiError(f"--format {formats!r} names no format; use html, pdf, xlsx")
    smtp = None
    if emails:  # check the addresses and the server settings before the long build
        for a in emails:
            address(a)
        smtp = SmtpSettings.from_env()
        wanted = tuple(dict.fromkeys([*wanted, *ATTACHED]))
    with open_workspace(workspace) as ws, err.status("report: starting") as status:

        def step(name: str) -> None:
            status.update(f"report: {STEP_NAMES.get(name, name)}")

        paths = build_report(
            ws,
            period=period,
            compare=None if compare == "none" else compare,
            profile=profile,
            model=model,
            markets=_split(markets),
            platforms=_split(platforms),
            lang=lang,
            formats=wanted,
            out=out,
            on_step=step,
        )
    for fmt, path in paths.items():
        console.print(f"{fmt}: {path}", markup=False)
    if emails:
        sent = mail_report({k: Path(v) for k, v in paths.items()}, emails, period, smtp)
        console.print(f"sent to {', '.join(sent)}", markup=False)


COMMANDS = [report]
