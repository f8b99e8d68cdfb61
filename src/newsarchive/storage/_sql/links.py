"""What a stored analysis refers to in its article, looked up for ``_analysis``."""

from __future__ import annotations

from .blobs import SQLBlobs
from .rows import content_hash_of

# Each version of an article from a number on, with what the frames take from its head
# capture.
VERSION_HEADS = (
    "SELECT v.id, v.capture_id, c.captured_at, c.content_hash, t.hash, v.number"
    " FROM versions v JOIN captures c ON c.id = v.capture_id"
    " JOIN blobs t ON t.id = c.text_id WHERE v.article_id = ? AND v.number >= ?"
)

# The version a capture heads, if any.
_HEADED_BY = (
    "SELECT id FROM versions WHERE first_captured_at ="
    " (SELECT captured_at FROM captures WHERE id = ?) AND article_id = ? AND capture_id = ?"
)


class ArticleLinks:
    """The captures, texts, versions and rules one article's analysis frames refer to.

    Made for one transaction: what it looks up is remembered only as long as it lives,
    but for rules names, which the store forgets on a rollback. ``since`` is the first
    version the frames it reads or writes belong to, or are analysed against: the heads
    of the versions before it are read only if one is asked for after all.
    """

    def __init__(self, store: SQLBlobs, url: str, article_id: int, since: int = 1) -> None:
        self._store = store
        self._url = url
        self._article_id = article_id
        self._since = since
        self._refs: dict[str, int] = {}
        self._captures: dict[int, tuple[int, bytes, bytes]] = {}
        self._heads: dict[int, str] = {}
        self._head_of: dict[str, int] | None = None
        self._number_of: dict[str, int] = {}

    def know_head(self, capture_id: int, version_id: str) -> None:
        """Remember which version ``capture_id`` heads, read with the versions themselves."""
        self._heads[capture_id] = version_id

    def _know_heads(self, since: int) -> dict[str, int]:
        # One query for the article's versions from ``since`` on: the frames stored in
        # one transaction name a few each, and a query per name cost more than the rest.
        # With what the frames take from each head capture: its time, content hash and
        # text's key (a frame quotes the texts of two of them). The hash as the row holds
        # it: empty where it names another capture's (see ``version_id``), a column older
        # schemas, which migrations read this way, do not have.
        rows = self._store._ahead_all(VERSION_HEADS, (self._article_id, since))
        head_of = {**(self._head_of or {}), **{str(r[0]): int(r[1]) for r in rows}}
        self._heads.update((int(r[1]), str(r[0])) for r in rows)
        self._captures.update((int(r[1]), (int(r[2]), bytes(r[3]), bytes(r[4]))) for r in rows)
        self._number_of.update((str(r[0]), int(r[5])) for r in rows)
        self._head_of, self._since = head_of, since
        return head_of

    def _capture(self, capture_id: int) -> tuple[int, bytes, bytes]:
        found = self._captures.get(capture_id)
        if found is not None:
            return found
        row = self._store._one(
            "SELECT c.captured_at, c.content_hash, t.hash FROM captures c"
            " JOIN blobs t ON t.id = c.text_id WHERE c.id = ?",
            (capture_id,),
        )
        if row is None:
            raise ValueError(f"capture {capture_id} is missing")
        found = self._captures[capture_id] = (int(row[0]), bytes(row[1]), bytes(row[2]))
        return found

    def text(self, capture_id: int) -> bytes:
        return self._store._blob_bytes(self._capture(capture_id)[2])

    def version_id(self, capture_id: int) -> str:
        """The id of the version ``capture_id`` heads.

        Read from the versions table rather than derived: reading an archive then never
        hashes, and never loads OpenSSL for it. A capture that heads no version (a frame
        written before its neighbour was re-headed) gets the id it would have had.
        """
        known = self._heads.get(capture_id)
        if known is None and (self._head_of is None or self._since > 1):
            # A version is first captured when its head capture was: found by that time
            # in an index, where a search by capture would read the article's versions.
            row = self._store._one(_HEADED_BY, (capture_id, self._article_id, capture_id))
            if row is None:
                row = self._store._one(
                    "SELECT id FROM versions WHERE article_id = ? AND capture_id = ?",
                    (self._article_id, capture_id),
                )
            if row is not None:
                known = self._heads[capture_id] = str(row[0])
        if known is None:
            from .._timeline import version_id  # here: reading never needs the timeline

            at, content_hash, _ = self._capture(capture_id)
            if not content_hash:
                row = self._store._one(
                    f"SELECT {content_hash_of('c')} FROM captures c WHERE c.id = ?", (capture_id,)
                )
                content_hash = bytes(row[0])
            return version_id(self._url, at, content_hash)
        return known

    def number_of(self, version_id: str) -> int | None:
        """The number of version ``version_id``, None if the article has no such version."""
        return None if self.capture_of(version_id) is None else self._number_of[version_id]

    def capture_of(self, version_id: str) -> int | None:
        heads = self._know_heads(self._since) if self._head_of is None else self._head_of
        found = heads.get(version_id)
        if found is None and self._since > 1:
            found = self._know_heads(1).get(version_id)  # before the versions expected
        return found

    def rules_name(self, ref: int) -> str:
        name = self._store._rules_names.get(ref)
        if name is None:
            row = self._store._one("SELECT name FROM analysis_rules WHERE id = ?", (ref,))
            if row is None:
                raise ValueError(f"rules {ref} are missing")
            name = self._store._rules_names[ref] = str(row[0])
        return name

    def rules_ref(self, name: str) -> int:
        ref = self._refs.get(name) or self._store._rules_refs.get(name)
        if ref is None:
            row = self._store._one(
                "INSERT INTO analysis_rules (name) VALUES (?) ON CONFLICT (name) DO NOTHING"
                " RETURNING id",
                (name,),
            )
            if row is None:
                row = self._store._one("SELECT id FROM analysis_rules WHERE name = ?", (name,))
            ref = self._refs[name] = self._store._rules_refs[name] = int(row[0])
        return ref
