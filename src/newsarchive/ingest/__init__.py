"""ingest"""

# The largest text a capture may hold, in UTF-8 bytes: a hundred times a long article.
# Anything bigger is almost surely not an article (a data dump, a page of base64) and
# would make each save and analysis of its article slow. Kept here, apart from the
# modules that prepare records, so that an archive opened only to read never loads them.
DEFAULT_MAX_TEXT_BYTES = 20_000_000
