"""Fetching and reading web pages: the only package that talks HTTP.

``http`` (the polite :class:`~newsarchive.fetch.http.HttpFetcher`), ``decode``
(bytes to text), ``extract`` (page to article), ``quality`` (may a capture
become a version?), ``feeds`` (feed to links) and ``robots``. The optional
dependencies of the ``scrape`` extra are imported only when used.
"""

from __future__ import annotations
