"""Texts compressed ahead of saving, the way the store would compress them.

A bulk import prepares its records in worker processes; compressing there, rather than in
the process that writes, takes the costliest step of saving off the writer.
"""

from __future__ import annotations

from . import TextFrame
from ._blobs import KEYFRAME_INTERVAL, Dictionary, encode

__all__ = ["TextFramer"]


class TextFramer:
    """Compresses each text against the previous text of its URL in a run of captures.

    Compressing is the costliest step of saving; done here, it runs in the worker
    processes of an import, and the store keeps a frame when it would have chosen the
    same base (the article's latest text), as it does when captures come in order. It
    cuts chains where the store does, counting from the URL's first text in this run.
    """

    def __init__(self, limit: int | None = None) -> None:
        # Per URL: the previous text's key, its UTF-8 and its depth in its delta chain;
        # at most ``limit`` URLs, the least recently seen forgotten first (its next text
        # is then framed by the store, as it is when bases differ).
        self._previous: dict[str, tuple[str, bytes, int]] = {}
        self._limit = limit
        self._dictionary: Dictionary | None = None

    def use_dictionary(self, ident: int, data: bytes) -> None:
        """Compress keyframes with the store's trained dictionary ``ident`` (its bytes
        ``data``), as the store would: it then keeps them as they are."""
        if self._dictionary is None or self._dictionary.id != ident:
            self._dictionary = Dictionary(ident, data)

    def start(self, url: str, key: str, data: bytes, depth: int) -> None:
        """Go on from a text the store holds: ``url``'s latest (hashed ``key``), at
        ``depth`` in its delta chain, so that the next text is a delta against it."""
        self._previous[url] = (key, data, depth)
        if self._limit is not None and len(self._previous) > self._limit:
            del self._previous[next(iter(self._previous))]

    def __call__(self, url: str, key: str, data: bytes) -> TextFrame | None:
        """Return the frame of ``data`` (hashed ``key``) for ``url``, None for a repeat.

        Args:
            url: the canonical URL the text belongs to.
            key: the hex sha256 of ``data``.
            data: the text's UTF-8 bytes.

        Returns:
            A keyframe or a delta against the URL's previous text in this run; None
            when the text repeats the previous one (the store has it already).
        """
        previous = self._previous.pop(url, None)
        if previous is not None and previous[0] == key:
            self._previous[url] = previous  # the most recently seen now
            return None
        if previous is not None and previous[2] + 1 >= KEYFRAME_INTERVAL:
            previous = None
        dictionary = self._dictionary
        frame, is_delta = encode(data, None if previous is None else previous[1], dictionary)
        depth = previous[2] + 1 if previous is not None and is_delta else 0
        self._previous[url] = (key, data, depth)
        if self._limit is not None and len(self._previous) > self._limit:
            del self._previous[next(iter(self._previous))]
        return TextFrame(
            None if previous is None else previous[0],
            frame,
            is_delta,
            len(data),
            None if is_delta or dictionary is None else dictionary.id,
        )
