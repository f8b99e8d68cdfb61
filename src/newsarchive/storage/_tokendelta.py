"""Deltas of a re-fetched page or header set that differs from its base in a few tokens.

A page re-checked every few minutes comes back as it was but for a nonce, ad creatives,
request ids and the times it was rendered at. zstd codes such a delta in about twice the
bytes those changes carry: each change costs it a match and a literal run, hex ids go
as text (half their bytes wasted), and every time is new text. This coding splits both
texts into the same tokens (words, runs of other bytes, hex runs, HTTP and ISO 8601
times) and stores only the tokens that changed, by position:

- hex runs as the bytes they spell (a 40-digit id takes 20 bytes), numbers as varints;
- times as seconds from what they would be had every time moved by one shift, stored
  once (a page rendered 15 minutes after its base has all its times 900 s later), and
  stored as its distance from the shift that would move the base's first time to the
  fetch's, which the reader knows: a page whose times are its fetch's pays a byte for it;
- anything else as its bytes.

So a re-check costs the entropy of its ids plus a byte or two per changed token. It
applies only where both texts split into as many tokens (a page whose structure
changed is left to zstd), and :func:`encode` checks that the delta decodes to the text.

A delta is: the time shift, a zigzag varint of seconds (left out when the base has no
times); where the base has 1 to 16 hex runs, a bitmap of those that changed but for their
length and case (a 64-bit nonce and six 32-bit ad ids cost a byte between them, not one
each), then their bytes in order; then per other changed token a varint of (tokens
unchanged before it << 2 | kind) and the kind's payload.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from datetime import UTC, datetime, timedelta

from . import _varint

# The kinds of a changed token's payload.
_SAME_HEX = 0  # hex of the base token's length and case: the bytes it spells
_TIME = 1  # a time of the base token's format: zigzag varint seconds from the shifted base
_NUMBER = 2  # decimal digits with no leading zero: varint of their value
_OTHER = 3  # varint (length << 2 | coding), then the bytes, or the hex digits as bytes
# The codings of an other token.
_BYTES, _LOWER, _UPPER = 0, 1, 2
# Hex runs shorter than this are mostly words and small numbers, which gain nothing.
_HEX_DIGITS = 8
# A base with at most this many hex runs lists the ones that changed, but for their
# length or case, by a bitmap (2 bytes at most) rather than a byte or two each.
_BITMAP_HEXES = 16
# Longer numbers are stored as their digits' bytes: a varint holds 63 bits.
_NUMBER_DIGITS = 18

_DAYS = (b"Mon", b"Tue", b"Wed", b"Thu", b"Fri", b"Sat", b"Sun")
_MONTHS = (
    b"Jan",
    b"Feb",
    b"Mar",
    b"Apr",
    b"May",
    b"Jun",
    b"Jul",
    b"Aug",
    b"Sep",
    b"Oct",
    b"Nov",
    b"Dec",
)
_MONTH_NUMBER = {name: number for number, name in enumerate(_MONTHS, 1)}
# Hex runs shorter than 8 are mostly words and small numbers, which gain nothing.
_TIMES = (
    rb"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d [A-Z][a-z][a-z] \d{4} \d\d:\d\d:\d\d GMT"
    rb"|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:Z|\+00:00)?"
)
_HEXES = rb"[0-9a-f]{8,}|[0-9A-F]{8,}"
_TOKEN = re.compile(_TIMES + b"|" + _HEXES + rb"|[A-Za-z0-9_]+|[^A-Za-z0-9_]+")
_TIME_TOKEN = re.compile(_TIMES)
_TIME_LENGTHS = {19, 20, 25, 29}
_LINE = re.compile(rb"[^>\n]*[>\n]|[^>\n]+")
_HEX_RUN = re.compile(_HEXES)
_UPPER_DIGIT = re.compile(rb"[A-F]")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _time_of(token: bytes, kind: str | None) -> int | None:
    """The seconds a time token spells, if formatting them gives the token back."""
    try:
        if kind == "http":
            month = _MONTH_NUMBER.get(token[8:11])
            if month is None:
                return None
            at = datetime(
                int(token[12:16]),
                month,
                int(token[5:7]),
                int(token[17:19]),
                int(token[20:22]),
                int(token[23:25]),
                tzinfo=UTC,
            )
        else:
            at = datetime(
                int(token[0:4]),
                int(token[5:7]),
                int(token[8:10]),
                int(token[11:13]),
                int(token[14:16]),
                int(token[17:19]),
                tzinfo=UTC,
            )
    except ValueError:
        return None
    seconds = (at - _EPOCH) // timedelta(seconds=1)
    form = b"http" if kind == "http" else token[19:]
    return seconds if _format_time(seconds, form) == token else None


def _format_time(seconds: int, form: bytes) -> bytes | None:
    """A time token for these seconds in ``form`` (b"http", or an ISO time's suffix);
    None if no four-digit year holds them."""
    try:
        at = _EPOCH + timedelta(seconds=seconds)
    except OverflowError:
        return None
    if form == b"http":
        day, month = _DAYS[at.weekday()], _MONTHS[at.month - 1]
        clock = (at.year, at.hour, at.minute, at.second)
        return b"%s, %02d %s " % (day, at.day, month) + b"%04d %02d:%02d:%02d GMT" % clock
    date = (at.year, at.month, at.day, at.hour, at.minute, at.second)
    return b"%04d-%02d-%02dT%02d:%02d:%02d" % date + form


class _Split:
    """A text as lines (cut after each ``>`` and line break), their tokens, and its times.

    Tokens never cross a line's end, so a line that did not change has the tokens it
    had: an encoder splits only the lines that changed.
    """

    __slots__ = ("hexes", "lines", "starts", "times", "tokens")

    def __init__(self, data: bytes) -> None:
        self.lines: list[bytes] = _LINE.findall(data)
        self.tokens: list[bytes] = []
        # Where each line's tokens start, and where the last one's end.
        self.starts: list[int] = []
        for line in self.lines:
            self.starts.append(len(self.tokens))
            self.tokens += _TOKEN.findall(line)
        self.starts.append(len(self.tokens))
        # By position: a time's format (b"http", or an ISO time's suffix) and seconds.
        self.times: dict[int, tuple[bytes, int]] = {}
        # The positions of its hex runs, when there are few enough to list by a bitmap.
        self.hexes: list[int] = []
        for i, token in enumerate(self.tokens):
            if len(token) >= _HEX_DIGITS:
                if len(token) in _TIME_LENGTHS:
                    value = _time_value(token)
                    if value is not None:
                        self.times[i] = value
                        continue
                if _HEX_RUN.fullmatch(token) is not None:
                    self.hexes.append(i)
        if len(self.hexes) > _BITMAP_HEXES:
            self.hexes = []

    def shifted(self, position: int, shift: int) -> bytes | None:
        """The time token at ``position`` moved by ``shift`` seconds (None: out of range)."""
        form, seconds = self.times[position]
        return _format_time(seconds + shift, form)


def _time_value(token: bytes) -> tuple[bytes, int] | None:
    """A time token's format and seconds; None for any other token."""
    if _TIME_TOKEN.fullmatch(token) is None:
        return None
    kind = "http" if token[:1].isalpha() else "iso"
    seconds = _time_of(token, kind)
    if seconds is None:
        return None
    return (b"http" if kind == "http" else token[19:]), seconds


# The splits of recent bases: re-checks of a page are deltas against one base.
@functools.lru_cache(maxsize=8)  # thread-safe, as stores may be shared by threads
def _split(data: bytes) -> _Split:
    return _Split(data)


def _hex_case(token: bytes) -> bool | None:
    """Whether a hex run has upper-case digits; None for a token that is no hex run."""
    if _HEX_RUN.fullmatch(token) is None:
        return None
    return _UPPER_DIGIT.search(token) is not None


def encode(data: bytes, base: bytes, at: int | None = None) -> bytes | None:
    """``data`` as a delta against ``base``; None where they do not split alike.

    ``at``, the time (seconds) ``data`` was fetched at, makes the shift cheaper to store:
    it is stored as its distance from moving the base's first time to ``at``, so a page
    whose times are its fetch's costs a byte for it however old its base.
    """
    old = _split(base)
    lines = _LINE.findall(data)
    if len(lines) != len(old.lines):
        return None
    # The tokens that differ from the base's, by position.
    changed: dict[int, bytes] = {}
    for n, line in enumerate(lines):
        if line == old.lines[n]:
            continue
        tokens = _TOKEN.findall(line)
        start = old.starts[n]
        if len(tokens) != old.starts[n + 1] - start:
            return None
        for k, token in enumerate(tokens, start):
            if token != old.tokens[k]:
                changed[k] = token
    head = b""
    shift = 0
    if old.times:
        for i in sorted(old.times):
            value = _time_value(changed.get(i, old.tokens[i]))
            if value is not None and value[0] == old.times[i][0]:
                shift = value[1] - old.times[i][1]
                break
        head = _varint.encode(_varint.zigzag(shift - _expected_shift(old, at)))
    # The base's listed hex runs that changed but for their length or case: marked in a
    # bitmap, their bytes after it in order.
    bits, packed = 0, bytearray()
    for n, i in enumerate(old.hexes):
        token = changed.get(i)
        if token is not None and _same_hex(token, old.tokens[i]):
            bits |= 1 << n
            packed += _pack_hex(token)
            del changed[i]
    mark = bits.to_bytes((len(old.hexes) + 7) // 8, "little")
    edits = bytearray()
    last = -1
    for i in sorted(changed.keys() | old.times.keys()):
        token = changed.get(i, old.tokens[i])
        if i in old.times and token == old.shifted(i, shift):
            continue
        kind, payload = _payload(i, token, old, shift)
        edits += _varint.encode((i - last - 1) << 2 | kind) + payload
        last = i
    delta = head + mark + bytes(packed) + bytes(edits)
    return delta if decode(delta, base, at) == data else None


def _same_hex(token: bytes, before: bytes) -> bool:
    """Whether ``token`` is a hex run of ``before``'s length and case."""
    if len(token) != len(before):
        return False
    upper = _hex_case(token)
    return upper is not None and upper == _hex_case(before)


def _expected_shift(old: _Split, at: int | None) -> int:
    """The shift that would move the base's first time to ``at`` (0 without ``at``)."""
    if at is None or not old.times:
        return 0
    return at - old.times[min(old.times)][1]


def _payload(i: int, token: bytes, old: _Split, shift: int) -> tuple[int, bytes]:
    """How the changed token at ``i`` is stored: its kind and the bytes after it."""
    upper = _hex_case(token)
    if upper is not None:
        packed = _pack_hex(token)
        if _same_hex(token, old.tokens[i]):
            return _SAME_HEX, packed
        return _OTHER, _varint.encode(len(token) << 2 | (_UPPER if upper else _LOWER)) + packed
    time, before = _time_value(token), old.times.get(i)
    if time is not None and before is not None and time[0] == before[0]:
        return _TIME, _varint.encode(_varint.zigzag(time[1] - before[1] - shift))
    if token.isdigit() and len(token) <= _NUMBER_DIGITS and (token[:1] != b"0" or token == b"0"):
        return _NUMBER, _varint.encode(int(token))
    return _OTHER, _varint.encode(len(token) << 2 | _BYTES) + token


def decode(delta: bytes, base: bytes, at: int | None = None) -> bytes:
    """The text ``delta`` makes of ``base`` (``at`` as given to :func:`encode`);
    ValueError if the delta is damaged."""
    old = _split(base)
    # The tokens that differ from the base's, by position, and the times the shift
    # moved out of the years a token can spell: the delta must give each another.
    out: dict[int, bytes] = {}
    missing: set[int] = set()
    shift, pos = 0, 0
    if old.times:
        stored, pos = _varint.decode(delta, 0, "token delta")
        shift = _varint.unzigzag(stored) + _expected_shift(old, at)
        for i in old.times:
            moved = old.shifted(i, shift)
            if moved is None:
                missing.add(i)
            else:
                out[i] = moved
    if old.hexes:
        size = (len(old.hexes) + 7) // 8
        if pos + size > len(delta):
            raise ValueError("damaged token delta (cut short)")
        bits = int.from_bytes(delta[pos : pos + size], "little")
        pos += size
        if bits >> len(old.hexes):
            raise ValueError("damaged token delta (a hex run past the base's)")
        for n, i in enumerate(old.hexes):
            if bits >> n & 1:
                before = old.tokens[i]
                out[i], pos = _unpack_hex(delta, pos, len(before), bool(_hex_case(before)))
    i = -1
    while pos < len(delta):
        code, pos = _varint.decode(delta, pos, "token delta")
        i += (code >> 2) + 1
        if i >= len(old.tokens):
            raise ValueError("damaged token delta (past the base's end)")
        missing.discard(i)
        kind = code & 3
        if kind == _SAME_HEX:
            upper = _hex_case(old.tokens[i])
            if upper is None:
                raise ValueError("damaged token delta (no hex run in the base)")
            length, mode = len(old.tokens[i]), _UPPER if upper else _LOWER
        elif kind == _TIME:
            if i not in old.times:
                raise ValueError("damaged token delta (no time in the base)")
            offset, pos = _varint.decode(delta, pos, "token delta")
            form, seconds = old.times[i]
            time = _format_time(seconds + shift + _varint.unzigzag(offset), form)
            if time is None:
                raise ValueError("damaged token delta (a time past the year 9999)")
            out[i] = time
            continue
        elif kind == _NUMBER:
            number, pos = _varint.decode(delta, pos, "token delta")
            out[i] = b"%d" % number
            continue
        else:
            code, pos = _varint.decode(delta, pos, "token delta")
            length, mode = code >> 2, code & 3
        if mode == _BYTES:
            out[i], pos = delta[pos : pos + length], pos + length
            continue
        if mode not in (_LOWER, _UPPER):
            raise ValueError("damaged token delta (unknown token coding)")
        out[i], pos = _unpack_hex(delta, pos, length, mode == _UPPER)
    if pos != len(delta) or missing:
        raise ValueError("damaged token delta")
    # Lines with no changed token are taken whole, as most are.
    lines = list(old.lines)
    for n in {bisect_right(old.starts, i) - 1 for i in out}:
        tokens = range(old.starts[n], old.starts[n + 1])
        lines[n] = b"".join([out[k] if k in out else old.tokens[k] for k in tokens])
    return b"".join(lines)


def _unpack_hex(delta: bytes, pos: int, length: int, upper: bool) -> tuple[bytes, int]:
    """The hex run of ``length`` digits packed at ``pos``, and the offset after it."""
    size = (length + 1) // 2
    if pos + size > len(delta):
        raise ValueError("damaged token delta (cut short)")
    digits = delta[pos : pos + size].hex()[length % 2 :]
    return (digits.upper() if upper else digits).encode(), pos + size


def _pack_hex(token: bytes) -> bytes:
    digits = token.decode("ascii")
    return bytes.fromhex("0" + digits if len(digits) % 2 else digits)
