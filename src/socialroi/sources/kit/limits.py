"""Bounded reading: no export file can take the process down or past a stated memory bound.

Export files are untrusted input. Before a native reader (calamine for .xls/.xlsx, Arrow for
Parquet, zipfile for archives) sees a file, `check_file` looks at what the file says about
itself — the compound-file header of an .xls, the members of a zip or .xlsx, the footer of a
Parquet file — and refuses one whose sizes cannot be true or exceed the bounds below, with a
sentence that names the file. Workbooks are then read in a child process with an address-space
limit and a time limit (`read_workbook`), so a reader that aborts or asks for gigabytes ends
in a clear error, not in a dead process. The bounds are listed in docs/limits.md.
"""

from __future__ import annotations

import hashlib
import io
import pickle
import struct
import subprocess
import sys
import threading
import zipfile
from collections import OrderedDict
from typing import Any

import pyarrow.parquet as pq

from socialroi.errors import ImportFailed

MIB = 1 << 20
MAX_FILE_BYTES = 256 * MIB  # one export file, or one member of a zip, as stored
MAX_MEMBER_BYTES = 256 * MIB  # one zip or .xlsx member, uncompressed
MAX_ARCHIVE_BYTES = 1024 * MIB  # all members of one zip or .xlsx, uncompressed
MAX_RATIO = 200  # uncompressed / compressed, for members over 1 MiB (a zip bomb)
MAX_MEMBERS = 10_000
MAX_PARQUET_BYTES = 2048 * MIB  # uncompressed row groups of one Parquet file
MAX_PARQUET_ROWS = 50_000_000
WORKBOOK_MEMORY = 2048 * MIB  # address space of the child process that reads a workbook
WORKBOOK_SECONDS = 60  # wall-clock time that child may take

_SAFE = (
    "the file was left unread so that it cannot exhaust the memory of the machine; "
    "export it again from the platform"
)


def _refuse(name: str, problem: str, expected: str | None = None) -> ImportFailed:
    return ImportFailed(name, problem, expected=expected, hint=_SAFE.capitalize() + ".")


# -- the whole file ------------------------------------------------------------------------


def check_file(name: str, data: bytes) -> None:
    """Refuse a file whose size, or whose header's own account of its size, is out of bounds."""
    if len(data) > MAX_FILE_BYTES:
        raise _refuse(
            name,
            f"the file is {len(data) / MIB:.0f} MiB",
            expected=f"an export of at most {MAX_FILE_BYTES // MIB} MiB (split it by date)",
        )
    if data[:4] == b"PK\x03\x04":
        zip_infos(name, data)
    elif data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        check_compound_file(name, data)
    elif data[:4] == b"PAR1":
        check_parquet(name, data)


# -- zip archives and .xlsx ----------------------------------------------------------------


def zip_infos(name: str, data: bytes) -> list[zipfile.ZipInfo]:
    """The members of a zip (or .xlsx) after checking their stated sizes and ratios."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
        raise ImportFailed(
            name,
            "the zip archive is damaged: its table of contents cannot be read",
            expected="a complete .zip or .xlsx file as the platform wrote it",
        ) from None
    if len(infos) > MAX_MEMBERS:
        raise _refuse(name, f"the archive holds {len(infos)} members", f"at most {MAX_MEMBERS}")
    total = 0
    for i in infos:
        total += i.file_size
        if i.file_size > MAX_MEMBER_BYTES:
            raise _refuse(
                name,
                f"archive member {i.filename!r} unpacks to {i.file_size / MIB:.0f} MiB",
                expected=f"members of at most {MAX_MEMBER_BYTES // MIB} MiB",
            )
        if i.file_size > MIB and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            raise _refuse(
                name,
                f"archive member {i.filename!r} is compressed "
                f"{i.file_size // max(i.compress_size, 1)} to 1 (a zip bomb)",
                expected=f"a compression ratio of at most {MAX_RATIO} to 1",
            )
    if total > MAX_ARCHIVE_BYTES:
        raise _refuse(
            name,
            f"the archive unpacks to {total / MIB:.0f} MiB",
            expected=f"at most {MAX_ARCHIVE_BYTES // MIB} MiB in all",
        )
    return infos


def zip_members(name: str, data: bytes) -> dict[str, bytes]:
    """The files of a zip, each read with a bound that does not trust the stated size."""
    out: dict[str, bytes] = {}
    total = 0
    infos = zip_infos(name, data)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in infos:
            if info.is_dir() or _hidden(info.filename):
                continue
            try:
                with zf.open(info) as fh:
                    chunk = fh.read(MAX_MEMBER_BYTES + 1)
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError, OSError):
                raise ImportFailed(
                    name,
                    f"archive member {info.filename!r} is damaged and cannot be unpacked",
                    expected="a complete .zip file as the platform wrote it",
                ) from None
            except Exception:  # noqa: BLE001 - zlib and friends: one user-facing problem
                raise ImportFailed(
                    name,
                    f"archive member {info.filename!r} is damaged and cannot be unpacked",
                    expected="a complete .zip file as the platform wrote it",
                ) from None
            total += len(chunk)
            if len(chunk) > MAX_MEMBER_BYTES or total > MAX_ARCHIVE_BYTES:
                raise _refuse(
                    name,
                    f"archive member {info.filename!r} unpacks to more than it states",
                    expected=f"at most {MAX_ARCHIVE_BYTES // MIB} MiB in all",
                )
            out[info.filename] = chunk
    if not out:
        raise ImportFailed(
            name,
            "the zip archive holds no files (only folders, or nothing)",
            expected="a zip of export files",
        )
    return out


def _hidden(member: str) -> bool:
    return any(p.startswith((".", "__MACOSX")) for p in member.split("/") if p)


# -- .xls compound files -------------------------------------------------------------------


def check_compound_file(name: str, data: bytes) -> None:
    """The compound-file (OLE2) header of an .xls: sector sizes and counts that fit the file.

    A damaged header (a run of NUL bytes, a cut) otherwise makes the native reader size its
    tables from nonsense; every count here must fit in the bytes the file really has.
    """
    damaged = "the workbook is damaged: its compound-file header {}"
    if len(data) < 512:
        raise ImportFailed(name, damaged.format("is cut off"), expected="an .xls file")
    major, order, shift, mini_shift = struct.unpack_from("<HHHH", data, 26)
    n_dir, n_fat, first_dir = struct.unpack_from("<III", data, 40)
    cutoff, first_mini, n_mini, first_difat, n_difat = struct.unpack_from("<IIIII", data, 56)
    expected = {3: 9, 4: 12}
    if order != 0xFFFE or major not in expected or shift != expected[major] or mini_shift != 6:
        raise ImportFailed(
            name,
            damaged.format("names an impossible version or sector size"),
            expected="an .xls file as Excel or the platform wrote it",
        )
    size = 1 << shift
    sectors = (len(data) - 512 + size - 1) // size if major == 3 else len(data) // size
    free = 0xFFFFFFFE
    bad = (
        n_fat == 0
        or n_fat > sectors
        or n_mini > sectors
        or n_difat > sectors
        or (major == 3 and n_dir != 0)
        or cutoff != 4096
        or first_dir >= sectors
        or (first_mini < free and first_mini >= sectors)
        or (first_difat < free and first_difat >= sectors)
    )
    if bad:
        raise ImportFailed(
            name,
            damaged.format("states more sectors than the file holds"),
            expected="an .xls file as Excel or the platform wrote it",
        )


# -- Parquet -------------------------------------------------------------------------------


def check_parquet(name: str, data: bytes) -> None:
    damaged = "the Parquet file is damaged: {}"
    if len(data) < 12 or data[-4:] != b"PAR1":
        raise ImportFailed(name, damaged.format("it is cut off (no footer)"))
    footer = struct.unpack_from("<I", data, len(data) - 8)[0]
    if footer == 0 or footer > len(data) - 12:
        raise ImportFailed(name, damaged.format("its footer states an impossible length"))
    try:
        meta = pq.ParquetFile(io.BytesIO(data)).metadata
        stated = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
        rows = meta.num_rows
    except Exception:  # noqa: BLE001 - any footer damage is one user-facing problem
        raise ImportFailed(name, damaged.format("its footer cannot be read")) from None
    if stated > MAX_PARQUET_BYTES or rows > MAX_PARQUET_ROWS:
        raise _refuse(
            name,
            f"the Parquet file states {rows} rows in {stated / MIB:.0f} MiB",
            expected=f"at most {MAX_PARQUET_ROWS} rows and {MAX_PARQUET_BYTES // MIB} MiB",
        )


# -- workbooks, read in a bounded child process -------------------------------------------

_CHILD = """
import io, pickle, resource, sys
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
nrows = int(sys.argv[2]) or None
data = sys.stdin.buffer.read()
try:
    from python_calamine import CalamineWorkbook
    wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    out = {}
    part = "the list of sheets"
    for name in wb.sheet_names:
        part = "sheet %r" % name
        out[name] = wb.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=nrows)
    result = ("ok", out)
except MemoryError:
    result = ("memory", part if "part" in dir() else "")
except BaseException as exc:
    result = ("damaged", (part if "part" in dir() else "", str(exc)[:200]))
sys.stdout.buffer.write(pickle.dumps(result))
"""


class WorkbookDamaged(ValueError):
    """A workbook the reader could not read: `part` says where, `reason` says how."""

    def __init__(self, part: str, reason: str) -> None:
        self.part, self.reason = part, reason
        super().__init__(f"{part}: {reason}" if part else reason)


# Small workbooks read whole when detection asks for their first rows, kept for the parse that
# follows (content hash -> sheets): each read starts a child process (0.1 s), and a run read
# each workbook twice. A parse takes its workbook out; what no parse takes is dropped oldest
# first beyond `KEPT_BYTES` of workbook files, and an import run forgets them all at its end
# (`forget_workbooks`).
KEEP_BYTES = 512 * 1024  # a larger workbook is read again by its parse
KEPT_BYTES = 4 * MIB
_KEPT: OrderedDict[bytes, tuple[int, dict[str, list[list[Any]]]]] = OrderedDict()
_KEPT_LOCK = threading.Lock()
# Workbooks being read ahead (`read_ahead`): content hash -> set when the read has ended
# (kept, or failed: then the asker reads it as before).
_AHEAD: dict[bytes, threading.Event] = {}


def read_workbook(
    name: str, data: bytes, max_rows: int | None = None
) -> dict[str, list[list[Any]]]:
    """All sheets of an .xls/.xlsx as rows of typed cells (the first `max_rows` of each),
    read by calamine in a child process bounded to `WORKBOOK_MEMORY` and `WORKBOOK_SECONDS`.
    A small workbook is read whole the first time and kept for the next whole read."""
    check_file(name, data)
    if len(data) > KEEP_BYTES:
        return _read_workbook(name, data, max_rows)
    key = hashlib.sha256(data).digest()
    with _KEPT_LOCK:
        kept = _KEPT.pop(key, None)
        ahead = _AHEAD.get(key) if kept is None else None
    if ahead is not None:  # being read ahead: wait for that read rather than start another
        ahead.wait()
        with _KEPT_LOCK:
            kept = _KEPT.pop(key, None)
        if kept is None:  # the read ahead failed: this read says why, bounded as always
            return _read_workbook(name, data, max_rows)
    if kept is None:
        try:
            kept = (len(data), _read_workbook(name, data, None))
        except (ImportFailed, WorkbookDamaged):  # the bounded read says it as it always did
            return _read_workbook(name, data, max_rows)
    if max_rows is None:
        return kept[1]
    _keep(key, kept)
    return {sheet: [list(r) for r in rows[:max_rows]] for sheet, rows in kept[1].items()}


def _keep(key: bytes, kept: tuple[int, dict[str, list[list[Any]]]]) -> None:
    with _KEPT_LOCK:  # the dashboard's server imports in threads
        _KEPT[key] = kept
        while sum(n for n, _ in _KEPT.values()) > KEPT_BYTES:
            _KEPT.popitem(last=False)


def read_ahead(workbooks: list[tuple[str, bytes]]) -> threading.Thread | None:
    """Read small workbooks (up to `KEEP_BYTES`) one after another in a background thread,
    each in its bounded child process as `read_workbook` does, and keep them for the
    `read_workbook` that asks next: detection looks at a run's files while their workbooks
    are read (each read waits 0.03 s for its child; the medium demo has fifteen). One child
    at a time, so a run's memory bound is the one `read_workbook` states. A read that fails
    is left to the asker, which reads the workbook itself and says why. Returns the thread
    (None when there is nothing to read)."""
    todo = []
    with _KEPT_LOCK:
        for name, data in workbooks:
            if len(data) > KEEP_BYTES:
                continue
            key = hashlib.sha256(data).digest()
            if key in _KEPT or key in _AHEAD:
                continue
            _AHEAD[key] = threading.Event()
            todo.append((name, data, key))
    if not todo:
        return None

    def work() -> None:
        for name, data, key in todo:
            try:
                check_file(name, data)
                _keep(key, (len(data), _read_workbook(name, data, None)))
            except Exception:  # noqa: BLE001, S110 - the asker reads it and says why
                pass
            finally:
                with _KEPT_LOCK:
                    _AHEAD.pop(key).set()

    thread = threading.Thread(target=work, name="socialroi-workbooks", daemon=True)
    thread.start()
    return thread


def forget_workbooks() -> None:
    """Drop the workbooks kept for a parse that did not come (files already imported)."""
    with _KEPT_LOCK:
        _KEPT.clear()


def _read_workbook(name: str, data: bytes, max_rows: int | None) -> dict[str, list[list[Any]]]:
    try:
        done = subprocess.run(  # noqa: S603 - our own interpreter and script; data on stdin
            [sys.executable, "-I", "-c", _CHILD, str(WORKBOOK_MEMORY), str(max_rows or 0)],
            input=data,
            capture_output=True,
            timeout=WORKBOOK_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise _refuse(
            name,
            f"reading the workbook took longer than {WORKBOOK_SECONDS} s",
            expected="a workbook the platform wrote",
        ) from None
    try:
        status, payload = pickle.loads(done.stdout)  # noqa: S301 - our own child's output
    except Exception:  # noqa: BLE001 - the child died: a native abort or a memory kill
        raise _refuse(
            name,
            f"the workbook reader stopped before it finished (exit status {done.returncode}): "
            f"the workbook is damaged or needs more than {WORKBOOK_MEMORY // MIB} MiB",
            expected="a workbook the platform wrote",
        ) from None
    if status == "ok":
        return payload
    if status == "memory":
        raise _refuse(
            name,
            f"reading the workbook ({payload or 'its structure'}) needed more than "
            f"{WORKBOOK_MEMORY // MIB} MiB of memory",
            expected="a workbook the platform wrote",
        )
    part, reason = payload
    raise WorkbookDamaged(part, reason)
