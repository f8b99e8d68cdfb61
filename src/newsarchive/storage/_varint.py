"""Numbers in as few bytes as their size needs, as the stored frames write them: unsigned
ones as little-endian base-128 varints, signed ones folded onto those (zigzag)."""

from __future__ import annotations


def encode(number: int) -> bytes:
    """``number`` (at least 0) as a varint."""
    out = bytearray()
    while number >= 0x80:
        out.append(number & 0x7F | 0x80)
        number >>= 7
    out.append(number)
    return bytes(out)


def decode(data: bytes, start: int, what: str = "stored frame") -> tuple[int, int]:
    """The varint at ``start`` and the offset after it; ValueError, naming ``what`` is
    damaged, if it is cut short."""
    number = shift = 0
    for offset in range(start, min(len(data), start + 10)):
        byte = data[offset]
        number |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return number, offset + 1
    raise ValueError(f"damaged {what} (cut short)")


def zigzag(number: int) -> int:
    """A signed number as an unsigned one, small either side of zero."""
    return number * 2 if number >= 0 else -number * 2 - 1


def unzigzag(number: int) -> int:
    return number >> 1 if not number & 1 else -(number >> 1) - 1
