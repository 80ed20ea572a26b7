"""Manual edits of the costs ledger (the dashboard's cost form): add, change, delete a line.

An edit is validated exactly like a ledger import — it goes through the same parser, so a bad
amount or an unknown category gives the same message — converted to the base currency like
an import, and stored atomically as its own batch in `import_batches` (source `manual`), so
every cost line still says where it came from and who changed it last.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import uuid
from typing import Any

import pyarrow as pa

from socialroi.errors import ImportFailed, NotFound, SocialroiError
from socialroi.land.landing import unify_staged, validate
from socialroi.model.schema import TABLES
from socialroi.sources.base import Context, InputFile
from socialroi.sources.ledger.exports import parse_costs
from socialroi.store import batches, reads
from socialroi.store.loader import upsert
from socialroi.unify.canonical import staged_to_arrow

FIELDS = (
    "cost_id", "period_start", "period_end", "category", "amount", "currency", "platform",
    "market", "campaign", "allocation", "description", "team",
)  # fmt: skip
# what the ledger file calls them (see sources/ledger/aliases.py)
HEADER = {"cost_id": "id", "period_start": "period_start"}
ALSO = {"id": "cost_id", "period": "period_start"}


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        # six decimals read as a decimal point in any locale ("1.234" alone would read as
        # the European 1234, as it does in a ledger file)
        return f"{v:.6f}"
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def _stored(ws, cost_id: str) -> dict[str, Any] | None:
    return reads.row_by_key(ws.store, "costs", "cost_id", cost_id, FIELDS)


def upsert_cost(ws, fields: dict[str, Any], actor: str) -> str:
    """Add a cost line, or change the line with `fields["cost_id"]` (fields not given keep
    their stored value). Returns the line's cost_id. Raises ImportFailed when invalid."""
    given = {ALSO.get(k, k): v for k, v in fields.items()}
    unknown = sorted(set(given) - set(FIELDS))
    if unknown:
        raise SocialroiError(
            f"unknown cost field(s) {', '.join(unknown)}; valid: {', '.join(FIELDS)}"
        )
    cost_id = _text(given.get("cost_id")).strip()
    line: dict[str, Any] = dict.fromkeys(FIELDS)
    stored = _stored(ws, cost_id) if cost_id else None
    if stored:
        line |= stored
    line |= given
    line["cost_id"] = cost_id or f"manual:{uuid.uuid4().hex[:12]}"
    name = f"manual edit of cost {line['cost_id']}"
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([HEADER.get(f, f) for f in FIELDS])
    w.writerow([_text(line[f]) for f in FIELDS])
    file = InputFile(name, buf.getvalue().encode("utf-8"))
    ctx = Context(file)
    try:
        staged = parse_costs(file, ctx)
        arrow = {"costs": staged_to_arrow("costs", staged["costs"])}
        validate(ctx, arrow)
        data = unify_staged(ws.store, arrow, ws.base_currency, None, ctx)["costs"]
    except ImportFailed as exc:  # the form has no rows: say which field, not "row 2"
        raise ImportFailed(
            name,
            exc.problem,
            column=exc.column,
            value=exc.value,
            expected=exc.expected,
            hint=exc.hint,
        ) from None
    row = data.to_pylist()[0]
    context = f"actor={actor}; edit=upsert; cost_id={line['cost_id']}"
    with ws.store.transaction() as tx:
        batch_id = _record(
            tx, name, file.data, context, "costs", 1, actor, row["period_start"],
            row["period_end"],
        )  # fmt: skip
        data = data.append_column("batch_id", pa.array([batch_id], type=pa.int64()))
        upsert(tx, TABLES["costs"], data)
    return line["cost_id"]


def delete_cost(ws, cost_id: str, actor: str) -> None:
    """Remove a cost line; the deletion is recorded as a manual batch (who, which line)."""
    stored = _stored(ws, cost_id)
    if stored is None:
        raise NotFound(f"there is no cost line {cost_id!r} in this workspace")
    context = f"actor={actor}; edit=delete; cost_id={cost_id}"
    with ws.store.transaction() as tx:
        batches.delete_row(tx, "costs", "cost_id", cost_id)
        _record(
            tx, f"manual deletion of cost {cost_id}", repr(sorted(stored.items())).encode(),
            context, "costs_delete", 0, actor, stored["period_start"], stored["period_end"],
        )  # fmt: skip


def _record(tx, name, data, context, report, loaded, actor, start, end) -> int:
    batch_id = batches.next_batch_id(tx)
    batch = batches.Batch(
        f"{name} by {actor}",
        hashlib.sha256(data).hexdigest(),
        context,
        "manual",
        report,
        1,
        loaded,
        0,
        f"costs={loaded}",
        start,
        end,
    )
    batches.record(tx, batch_id, batch)
    return batch_id
