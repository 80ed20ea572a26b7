"""Cut the path column into touches: per row, its channel ids and a hash of its path.

:func:`read_touches` turns the text ("a > b > c") of every row into channel ids (into the
sorted channel names, separator and surrounding white space removed) and gives each row a
64-bit hash of its sequence of channels. Two ways to cut, one result:

- **One-byte separator** (">" and the other ASCII marks): the text's bytes are cut, in place,
  at every separator and at every row start (numpy over Arrow's buffers, nothing copied), so
  the pieces are "ch004 ", "> ch053 ", "> ch053"; Arrow's C++ dictionary encoder numbers
  those pieces, and only the few distinct pieces are cleaned (leading separator dropped,
  white space trimmed). A million touches cost one pass over the bytes and one hash each.
- **Anything else** (a longer separator, an empty row, a row that starts with the
  separator): Arrow's ``split_pattern``, trim and dictionary encoder on every touch.

Either way only the distinct pieces are trimmed, with Arrow's Unicode kernel (the white
space of Python's ``str.strip``, including the ASCII separators 0x1c-0x1f), whatever else
the table holds.

Large tables are read in two halves of rows on two threads (numpy and Arrow release the
GIL): each half is cut and its pieces numbered, then, once the channels of both are known,
each half writes its channel ids straight into the one array of all touches (and hashes its
paths, with weights from the channels' names: the same in one pass or two).
"""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

#: Rows below which a table is read on one thread (a thread costs more than it saves).
PARALLEL_ROWS = 50_000
#: Arrow's default pool (mimalloc) hands freed pages back to the system within milliseconds,
#: so every call faulted the touch ids' pages in again (a third of the time of a cut, measured);
#: the C library's allocator keeps them for the next call.
_POOL = pa.system_memory_pool()

_POSITION_WEIGHTS = np.random.default_rng(20261207).integers(1, 2**63, 64, dtype=np.uint64) | 1


@dataclass(frozen=True)
class Touches:
    """``codes[offsets[i]:offsets[i + 1]]`` are row ``i``'s channel ids into the sorted
    ``channels`` (which may hold ``""``: the caller reports empty touches); ``hashes[i]``
    is a 64-bit hash of row ``i``'s channel sequence (equal paths, equal hashes), or
    ``hashes`` is None when they were not asked for."""

    offsets: np.ndarray
    codes: np.ndarray
    channels: np.ndarray
    hashes: np.ndarray | None


def _by_bytes(text: pa.Array, sep: int) -> tuple[np.ndarray, np.ndarray, pa.Array] | None:
    """The one-byte separator's way (module docstring); None where it does not apply."""
    n = len(text)
    _, offset_buf, data_buf = text.buffers()
    if data_buf is None:
        return None
    bounds = np.frombuffer(offset_buf, dtype=np.int64, count=n + 1, offset=8 * text.offset)
    lo, hi = int(bounds[0]), int(bounds[-1])
    data = np.frombuffer(data_buf, dtype=np.uint8)[lo:hi]
    starts = bounds[:-1] - lo
    if not np.all(bounds[1:] > bounds[:-1]) or np.any(data[starts] == sep):
        return None  # an empty row, or a row whose first touch is empty: the general way
    # every piece starts at a separator or at a row start; one cut past the end closes the
    # last, so the cut positions are the pieces' bounds as they are
    cut = np.empty(hi - lo + 1, dtype=bool)
    np.equal(data, sep, out=cut[:-1])
    cut[starts] = True
    cut[-1] = True
    piece_bounds = np.flatnonzero(cut)
    del cut
    # a piece that starts at a row start, a row's first, is the only one whose first byte is
    # no separator (checked above)
    offsets = np.empty(n + 1, dtype=np.int64)
    offsets[:n] = np.flatnonzero(data[piece_bounds[:-1]] != sep)
    offsets[n] = len(piece_bounds) - 1
    if lo:
        piece_bounds += lo
    pieces = pa.LargeStringArray.from_buffers(
        len(piece_bounds) - 1, pa.py_buffer(piece_bounds), data_buf
    )
    encoded = pc.dictionary_encode(pieces, memory_pool=_POOL)
    distinct = encoded.dictionary
    # only a row's first piece lacks the separator, and no first piece starts with it
    body = pc.if_else(
        pc.starts_with(distinct, chr(sep)), pc.utf8_slice_codeunits(distinct, 1), distinct
    )
    return offsets, encoded.indices.to_numpy(zero_copy_only=False), body


def _by_split(text: pa.Array, sep: str) -> tuple[np.ndarray, np.ndarray, pa.Array]:
    """Every other separator: Arrow's split and dictionary encoder on each touch."""
    lists = pc.split_pattern(text, pattern=sep, memory_pool=_POOL)
    counts = pc.list_value_length(lists).to_numpy(zero_copy_only=False).astype(np.int64)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    encoded = pc.dictionary_encode(lists.flatten(), memory_pool=_POOL)
    return offsets, encoded.indices.to_numpy(zero_copy_only=False), encoded.dictionary


def _name_weight(name: str) -> int:
    """A channel's odd 64-bit weight in path hashes, from its name (the same in any part)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "little") | 1


def path_hashes(codes: np.ndarray, offsets: np.ndarray, channel_weights: np.ndarray) -> np.ndarray:
    """A 64-bit hash of each row's channel sequence: the sum, modulo 2^64, of its channels'
    weights times one random weight per position, plus its length, read off one running
    sum at the row ends."""
    lengths = np.diff(offsets)
    if not len(codes):
        return lengths.astype(np.uint64)
    position = np.ones(len(codes), dtype=np.int64)  # restarts at 0 at every row's first
    position[0] = 0
    position[offsets[1:-1]] = 1 - lengths[:-1]
    np.cumsum(position, out=position)
    by_position = _POSITION_WEIGHTS
    longest = int(lengths.max())
    if longest > len(by_position):
        by_position = np.random.default_rng(longest).integers(1, 2**63, longest, dtype=np.uint64)
    with np.errstate(over="ignore"):
        running = np.cumsum(np.take(channel_weights, codes) * np.take(by_position, position))
        ends = np.take(running, offsets[1:] - 1)
        before = np.empty_like(ends)
        before[0] = 0
        before[1:] = ends[:-1]
        return ends - before + lengths.astype(np.uint64)


def _cut(text: pa.Array, sep: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One part of the rows: offsets, a piece id per touch and the distinct pieces' channel
    names (trimmed; several pieces, "a ", "> a", ">a", are one channel)."""
    raw = sep.encode()
    cut = _by_bytes(text, raw[0]) if len(raw) == 1 and len(text) else None
    offsets, piece, pieces = cut if cut is not None else _by_split(text, sep)
    return offsets, piece, np.asarray(pc.utf8_trim_whitespace(pieces).to_pylist(), dtype=object)


def _hashes(codes: np.ndarray, offsets: np.ndarray, channels: np.ndarray) -> np.ndarray:
    weights = np.array([_name_weight(c) for c in channels], dtype=np.uint64)
    return path_hashes(codes, offsets, weights)


def read_touches(text: pa.Array, sep: str, *, threads: int = 2, hashes: bool = True) -> Touches:
    """Channel ids and (with ``hashes``, else None) path hashes of a non-null string array
    (module docstring)."""
    n = len(text)
    if threads < 2 or n < PARALLEL_ROWS:
        offsets, piece, names = _cut(text, sep)
        channels, channel_of_piece = np.unique(names, return_inverse=True)
        codes = np.take(channel_of_piece.astype(np.int64), piece)
        hashed = _hashes(codes, offsets, channels) if hashes else None
        return Touches(offsets, codes, channels, hashed)
    bounds = np.linspace(0, n, threads + 1).astype(int)
    parts = [text.slice(a, b - a) for a, b in zip(bounds[:-1], bounds[1:])]
    with ThreadPoolExecutor(max_workers=threads) as pool:
        done = list(pool.map(lambda part: _cut(part, sep), parts))
        # channels numbered over all parts, then each part's touches and path bounds written
        # in place
        channels, inverse = np.unique(np.concatenate([d[2] for d in done]), return_inverse=True)
        maps = np.split(inverse.astype(np.int64), np.cumsum([len(d[2]) for d in done])[:-1])
        shift = np.cumsum([0] + [len(d[1]) for d in done])
        codes = np.empty(shift[-1], dtype=np.int64)
        offsets = np.empty(n + 1, dtype=np.int64)
        offsets[0] = 0

        def number(i: int) -> np.ndarray | None:
            part = codes[shift[i] : shift[i + 1]]
            np.take(maps[i], done[i][1], out=part)
            np.add(done[i][0][1:], shift[i], out=offsets[bounds[i] + 1 : bounds[i + 1] + 1])
            return _hashes(part, done[i][0], channels) if hashes else None

        hashed = list(pool.map(number, range(len(done))))
    return Touches(
        offsets=offsets,
        codes=codes,
        channels=channels,
        hashes=np.concatenate(hashed) if hashes else None,
    )
