"""The versioning promise, checked: within v1 the OpenAPI document only grows.

`breaking(old, new)` lists what a client written against `old` would trip on in `new`: a
route or operationId gone, a parameter or response field removed, a new required parameter
or body field, an enum value removed, a type narrowed, a bound tightened or a pattern
changed on what a client sends. Additions (routes, optional parameters, response fields,
enum values a client may send) are not breaking. docs/openapi-v1.json is the committed
snapshot; tests/deliver/web/test_api_contract.py fails on any breaking difference.

    python -m socialroi.deliver.web.api_compat > docs/openapi-v1.json   # after a review
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from socialroi.deliver.web.app import create_app

METHODS = ("get", "post", "put", "patch", "delete")
BOUNDS_UP = ("minimum", "exclusiveMinimum", "minLength", "minItems")  # raising narrows
BOUNDS_DOWN = ("maximum", "exclusiveMaximum", "maxLength", "maxItems")  # lowering narrows


def breaking(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for path, ops in old.get("paths", {}).items():
        for method in METHODS:
            if method not in ops:
                continue
            where = f"{method.upper()} {path}"
            now = new.get("paths", {}).get(path, {}).get(method)
            if now is None:
                out.append(f"{where}: route removed")
                continue
            before = ops[method]
            if before.get("operationId") != now.get("operationId"):
                out.append(f"{where}: operationId {before.get('operationId')} renamed")
            _params(old, new, before, now, where, out)
            _body(old, new, before, now, where, out)
            _responses(old, new, before, now, where, out)
    return out


def _params(old, new, before, now, where, out) -> None:
    had = {(p["in"], p["name"]): p for p in before.get("parameters", [])}
    has = {(p["in"], p["name"]): p for p in now.get("parameters", [])}
    for key, p in had.items():
        if key not in has:
            out.append(f"{where}: parameter {key[1]} removed")
            continue
        if has[key].get("required") and not p.get("required"):
            out.append(f"{where}: parameter {key[1]} became required")
        _schema(old, new, p.get("schema", {}), has[key].get("schema", {}),
                f"{where} parameter {key[1]}", out, sent=True)  # fmt: skip
    for key, p in has.items():
        if key not in had and p.get("required"):
            out.append(f"{where}: new required parameter {key[1]}")


def _body(old, new, before, now, where, out) -> None:
    a = before.get("requestBody", {}).get("content", {})
    b = now.get("requestBody", {}).get("content", {})
    for media, spec in a.items():
        if media not in b:
            out.append(f"{where}: request body {media} no longer accepted")
            continue
        _schema(old, new, spec.get("schema", {}), b[media].get("schema", {}),
                f"{where} body", out, sent=True)  # fmt: skip


def _responses(old, new, before, now, where, out) -> None:
    for status, spec in before.get("responses", {}).items():
        if not status.startswith("2"):
            continue
        got = now.get("responses", {}).get(status)
        if got is None:
            out.append(f"{where}: response {status} removed")
            continue
        for media, content in (spec.get("content") or {}).items():
            if media not in (got.get("content") or {}):
                out.append(f"{where}: response {status} no longer {media}")
                continue
            _schema(old, new, content.get("schema", {}), got["content"][media].get("schema", {}),
                    f"{where} response {status}", out, sent=False)  # fmt: skip


def _resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    seen = 0
    while "$ref" in schema and seen < 20:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = doc.get("components", {}).get("schemas", {}).get(name, {})
        seen += 1
    return schema


def _variants(doc, schema) -> list[dict[str, Any]]:
    schema = _resolve(doc, schema)
    alts = schema.get("anyOf") or schema.get("oneOf")
    if alts:
        return [v for a in alts for v in _variants(doc, a)]
    return [schema]


def _types(doc, schema) -> set[str]:
    found = set()
    for v in _variants(doc, schema):
        t = v.get("type")
        found |= set(t) if isinstance(t, list) else {t or "any"}
    return found


def _schema(old, new, a, b, where, out, *, sent: bool, depth: int = 0) -> None:
    """Compare one schema: `sent` for what the client sends (narrowing breaks it), else for
    what it receives (a removed field or enum value, or a type it did not expect)."""
    if depth > 12:
        return
    ta, tb = _types(old, a), _types(new, b)
    if "any" not in tb and not ta <= tb if sent else "any" not in ta and not tb <= ta:
        out.append(f"{where}: type {sorted(ta)} became {sorted(tb)}")
        return
    va, vb = _variants(old, a), _variants(new, b)
    ea = {e for v in va for e in v.get("enum", [])}
    eb = {e for v in vb for e in v.get("enum", [])}
    if ea and eb and ea - eb:
        out.append(f"{where}: enum values removed: {sorted(map(str, ea - eb))}")
    elif ea and not eb and not sent:
        out.append(f"{where}: no longer one of {sorted(map(str, ea))}")
    if sent:
        for k in BOUNDS_UP + BOUNDS_DOWN + ("pattern",):
            xa = next((v[k] for v in va if k in v), None)
            xb = next((v[k] for v in vb if k in v), None)
            narrowed = (
                (xb is not None and xa is None)
                or (k == "pattern" and xa != xb and xb is not None)
                or (k in BOUNDS_UP and xa is not None and xb is not None and xb > xa)
                or (k in BOUNDS_DOWN and xa is not None and xb is not None and xb < xa)
            )
            if narrowed:
                out.append(f"{where}: {k} narrowed from {xa!r} to {xb!r}")
    pa = {k: s for v in va for k, s in (v.get("properties") or {}).items()}
    pb = {k: s for v in vb for k, s in (v.get("properties") or {}).items()}
    ra = {r for v in va for r in v.get("required", [])}
    rb = {r for v in vb for r in v.get("required", [])}
    for name, s in pa.items():
        if name not in pb:
            if not sent:
                out.append(f"{where}: field {name} removed")
            continue
        _schema(old, new, s, pb[name], f"{where}.{name}", out, sent=sent, depth=depth + 1)
    if sent:
        for name in rb - ra:
            out.append(f"{where}: field {name} became required")
    elif ra - rb:
        out += [f"{where}: field {n} may now be missing" for n in sorted(ra - rb)]
    ia = next((v["items"] for v in va if "items" in v), None)
    ib = next((v["items"] for v in vb if "items" in v), None)
    if ia is not None and ib is not None:
        _schema(old, new, ia, ib, f"{where}[]", out, sent=sent, depth=depth + 1)


def current() -> dict[str, Any]:
    """The document the app serves (on a throwaway workspace: it does not depend on data)."""
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(Path(tmp) / "ws.duckdb", reports_dir=Path(tmp) / "reports")
        try:
            return app.openapi()
        finally:
            app.state.ctx.ws.close()


def snapshot_text(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    sys.stdout.write(snapshot_text(current()))
