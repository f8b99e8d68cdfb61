"""zstd coding of content-addressed blobs, each optionally a delta against another blob.

A delta frame is compressed with the base blob's raw bytes as zstd's raw-content
dictionary, so a version that differs from its predecessor by a few sentences costs a few
hundred bytes. Chains are cut by a full keyframe every ``KEYFRAME_INTERVAL`` links so that
reading any version decodes a bounded number of frames.

Keyframes, most of them an article's first text, have no base to refer to; once an archive
holds ``TRAIN_AFTER`` of them, a zstd dictionary trained on them is stored and the
keyframes after it are compressed with it: on news text they take about half the bytes.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

import zstandard

from ..errors import StorageError

KEYFRAME_INTERVAL = 16
# Keyframes: level 3, by measurement on 10 KB article revisions, is 3.5 times as fast as
# level 6 for 2% more bytes.
KEYFRAME_LEVEL = 3
# With a trained dictionary, though, level 9 takes a quarter less than level 3 (808
# bytes a keyframe against 1,065 on the news-like corpus) for 0.15 ms a keyframe; 15
# saves 5% more at six times the time.
DICTIONARY_LEVEL = 9
# Deltas: level 12 is a tenth smaller than a lazy search of depth 8 (81 bytes a delta
# on that corpus), for 48 µs a 10 KB revision against 42.
DELTA_LEVEL = 12
# A page (raw HTML) re-checked every few minutes differs from the one before by a few ids
# and times: its deltas are a tenth of a text's and are read far more seldom, so its
# chains are longer and compressed harder (on a 12 KB page, level 9 deltas are a fifth
# smaller than the text deltas' fast settings give).
PAGE_KEYFRAME_INTERVAL = 64
PAGE_DELTA_LEVEL = 9
# A delta larger than this share of the text is not worth its decoding chain.
DELTA_MAX_RATIO = 0.5
# A dictionary is trained once this many keyframes are stored, on the latest of them.
TRAIN_AFTER = 64
DICTIONARY_BYTES = 16 * 1024

_plain_decompressor = zstandard.ZstdDecompressor()
_keyframe_compressors: dict[int, zstandard.ZstdCompressor] = {}


class Dictionary:
    """A trained zstd dictionary as stored in the archive, with its (de)compressors."""

    def __init__(self, ident: int, data: bytes) -> None:
        self.id = ident
        self.data = data
        self._dict = zstandard.ZstdCompressionDict(data)
        self.compressor = zstandard.ZstdCompressor(
            level=DICTIONARY_LEVEL,
            dict_data=self._dict,
            write_checksum=False,
            write_content_size=True,
            write_dict_id=False,
        )
        self.decompressor = zstandard.ZstdDecompressor(dict_data=self._dict)


def train_dictionary(samples: list[bytes | bytearray | memoryview]) -> bytes | None:
    """A dictionary trained on these texts, or None if they are too few or too alike."""
    try:
        trained = zstandard.train_dictionary(DICTIONARY_BYTES, list(samples), level=KEYFRAME_LEVEL)
        return trained.as_bytes()
    except zstandard.ZstdError:
        return None


def compress_keyframe(data: bytes, dictionary: Dictionary | None = None) -> bytes:
    if dictionary is not None:
        return dictionary.compressor.compress(data)
    bucket = max(len(data), 1).bit_length()
    compressor = _keyframe_compressors.get(bucket)
    if compressor is None:
        # Sizing the window to the input keeps context set-up cheap for small texts.
        params = zstandard.ZstdCompressionParameters.from_level(
            KEYFRAME_LEVEL, source_size=1 << bucket, write_checksum=0, write_content_size=1
        )
        compressor = zstandard.ZstdCompressor(compression_params=params)
        _keyframe_compressors[bucket] = compressor
    return compressor.compress(data)


_delta_params: dict[int, zstandard.ZstdCompressionParameters] = {}


def compress_delta(data: bytes, base: bytes) -> bytes:
    dictionary = zstandard.ZstdCompressionDict(base, dict_type=zstandard.DICT_TYPE_RAWCONTENT)
    window_log = max(10, min(27, (len(base) + len(data)).bit_length()))
    params = _delta_params.get(window_log)
    if params is None:
        # A window sized to base and text together: zstd sizes its tables to it, and
        # setting them up is most of a small delta's cost.
        params = zstandard.ZstdCompressionParameters.from_level(
            DELTA_LEVEL, window_log=window_log, write_checksum=0, write_content_size=1
        )
        _delta_params[window_log] = params
    return zstandard.ZstdCompressor(compression_params=params, dict_data=dictionary).compress(data)


def compress_page_delta(data: bytes, base: bytes) -> bytes:
    dictionary = zstandard.ZstdCompressionDict(base, dict_type=zstandard.DICT_TYPE_RAWCONTENT)
    window_log = max(10, min(27, (len(base) + len(data)).bit_length()))
    params = zstandard.ZstdCompressionParameters.from_level(
        PAGE_DELTA_LEVEL, window_log=window_log, write_checksum=0, write_content_size=1
    )
    return zstandard.ZstdCompressor(compression_params=params, dict_data=dictionary).compress(data)


def encode(
    data: bytes, base: bytes | None, dictionary: Dictionary | None = None, *, page: bool = False
) -> tuple[bytes, bool]:
    """``data``'s frame, a delta against ``base`` when that pays, and whether it is one.

    A ``page`` is coded as raw HTML is (see ``PAGE_DELTA_LEVEL``).
    """
    if base is not None:
        delta = compress_page_delta(data, base) if page else compress_delta(data, base)
        if len(delta) <= DELTA_MAX_RATIO * len(data):
            return delta, True
    return compress_keyframe(data, dictionary), False


def decompress(data: bytes, base: bytes | None, dictionary: Dictionary | None = None) -> bytes:
    if base is None:
        if dictionary is not None:
            return dictionary.decompressor.decompress(data)
        return _plain_decompressor.decompress(data)
    raw = zstandard.ZstdCompressionDict(base, dict_type=zstandard.DICT_TYPE_RAWCONTENT)
    return zstandard.ZstdDecompressor(dict_data=raw).decompress(data)


class BlobCache:
    """A small LRU of decoded blobs, bounded in bytes, so delta chains decode once."""

    def __init__(self, max_bytes: int = 64 * 1024 * 1024) -> None:
        self._items: OrderedDict[bytes, bytes] = OrderedDict()
        self._bytes = 0
        self._max = max_bytes

    def get(self, key: bytes) -> bytes | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: bytes, value: bytes) -> None:
        if key in self._items or len(value) > self._max:
            return
        self._items[key] = value
        self._bytes += len(value)
        while self._bytes > self._max:
            _, dropped = self._items.popitem(last=False)
            self._bytes -= len(dropped)


#: What a store loads of a blob: its base's key (None for a keyframe), its frame, and the
#: dictionary a keyframe was compressed with.
Frame = tuple[bytes | None, bytes, Dictionary | None]


def decode_chain(key: bytes, load: Callable[[bytes], Frame], cache: BlobCache) -> bytes:
    """Decode blob ``key``, following bases until a cached or keyframe blob."""
    pending: list[tuple[bytes, bytes | None, bytes, Dictionary | None]] = []
    current: bytes | None = key
    decoded: bytes | None = None
    while current is not None:
        decoded = cache.get(current)
        if decoded is not None:
            break
        base, frame, dictionary = load(current)
        pending.append((current, base, frame, dictionary))
        current = base
    for blob_key, base, frame, dictionary in reversed(pending):
        try:
            decoded = decompress(frame, decoded if base is not None else None, dictionary)
        except zstandard.ZstdError as error:
            raise StorageError(f"stored blob {blob_key.hex()} is damaged ({error})") from error
        cache.put(blob_key, decoded)
    assert decoded is not None
    return decoded
