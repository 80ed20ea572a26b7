"""Error messages in the reader's language: the one seam between errors and the catalogue.

`translate_error(code, detail, lang, params)` is what every place that shows an error to a
person calls (the dashboard's error page, the API's problem details): JSON keys and the
machine `code` stay as they are; only the human text follows the language. It looks the
message up by its stable code first (`ERRORS[code]`, filled with `params`); without a known
code or its params it recognises the English `detail` by the same templates; anything it
does not know stays English, as written.

Each template is English with `{fields}`; its translation lives in the catalogue under the
context `error:<code>`. Field values that are names the catalogue knows (a kind of name, a
role) are translated too; values the user typed are shown as typed.
"""

from __future__ import annotations

import re
from functools import cache

from socialroi.model import words

# code -> English template (what the code says, in the words the product has always used)
ERRORS: dict[str, str] = {
    "unknown_name": "unknown {kind} {name}{hint}; valid: {valid}",
    "bad_period": "cannot read the period {period}; use 2026-Q3, 2026-07, 2026, 2026-W05, "
    "2026-07-15 or 2026-07-01..2026-09-30",
    "period_reversed": "the period {period} ends before it starts",
    "login_required": "sign in or send an API token",
    "role_needed": "this needs the {role} role; {user} is {has}",
    "read_only_token": "this API token is read-only",
    "csrf": "the form's security token is missing or stale; reload the page",
    "no_batch": "no import batch {batch_id}",
    "no_such_import": "no such import",
    "no_report": "no such report; build it first",
    "no_report_page": "no such report; build it first on the Reports page",
    "wrong_login": "Wrong user name or password.",
    "login_expired": "The form expired; please try again.",
    "login_wait": "Too many failed sign-ins; wait {seconds} seconds and try again.",
    "cost_dates": "period start and end are dates like 2026-07-01",
    "cost_reversed": "the cost's period ends before it starts",
    "cost_amount": "the amount is a number, like 1200.50",
    "not_found": "Not Found",
    # notes a page shows instead of a figure it could not compute (`reason`: translated too)
    "clv_not_predicted": "Predicted CLV not shown: {reason}",
    "trend_missing": "trend not available: {reason}",
    "coverage_missing": "coverage not available: {reason}",
    "clv_too_few": "too few customers to fit predictive CLV: {n} customers up to {end}, {repeat} "
    "of them with a repeat purchase; the models need at least {min_customers} customers and "
    "{min_repeat} repeat customers. Import a longer order history, or ask for historical CLV "
    "only (predict=False, `socialroi clv --historical-only`).",
    "no_experiments": "No experiments yet: `socialroi experiment assign` stores one.",
}
# Words that appear as field values and are the product's own (translated in the message).
FIELD_CONTEXT = {"kind": "name kind", "role": "role", "has": "role"}
NAME_KINDS = (
    "platform", "market", "profile", "attribution model", "comparison", "language",
    "report language", "insight language", "metric",
)  # fmt: skip


def template_context(code: str) -> str:
    return f"error:{code}"


def translate_error(
    code: str | None, detail: str, lang: str, params: dict[str, object] | None = None
) -> str:
    """`detail` (an error's English text) in `lang`; `code` is its stable machine code and
    `params` the values in it. Unknown codes and texts come back as they are."""
    if lang == words.SOURCE or not detail:
        return detail
    if code in ERRORS and params is not None:
        try:
            ERRORS[code].format(**params)
        except (KeyError, IndexError, ValueError):
            pass
        else:
            return _fill(code, params, lang)
    for known, pattern in _patterns():
        got = pattern.fullmatch(detail)
        if got and (code is None or code == known or code not in ERRORS):
            return _fill(known, got.groupdict(), lang)
    return detail


def _fill(code: str, params: dict[str, object], lang: str) -> str:
    values = {}
    for k, v in params.items():
        ctx = FIELD_CONTEXT.get(k)
        if k == "reason":  # an error inside a note: in the same language
            values[k] = translate_error(None, str(v), lang)
        else:
            values[k] = words.text(lang, str(v), ctx) if ctx else v
    if code == "unknown_name":  # the "did you mean" hint is a sentence of its own
        hint = str(params.get("hint") or "")
        got = re.fullmatch(r" \(did you mean (.+)\?\)", hint)
        values["hint"] = (
            words.text(lang, " (did you mean {name}?)", "error:hint").format(name=got.group(1))
            if got
            else hint
        )
    return words.text(lang, ERRORS[code], template_context(code)).format(**values)


@cache
def _patterns() -> list[tuple[str, re.Pattern]]:
    out = []
    for code, tpl in ERRORS.items():
        parts = re.split(r"\{(\w+)\}", tpl)
        rx = ""
        for i, part in enumerate(parts):
            if i % 2 == 0:
                rx += re.escape(part)
            elif part == "kind":  # a kind is one of ours, some of two words
                kinds = "|".join(re.escape(k) for k in sorted(NAME_KINDS, key=len, reverse=True))
                rx += f"(?P<kind>{kinds})"
            elif part == "name":  # a repr: one quoted word
                rx += r"(?P<name>'(?:[^'\\]|\\.)*'|\"[^\"]*\"|\S+)"
            elif part == "hint":
                rx += r"(?P<hint>(?: \(did you mean .+?\?\))?)"
            else:
                rx += f"(?P<{part}>.*?)"
        out.append((code, re.compile(rx, re.S)))
    return out
