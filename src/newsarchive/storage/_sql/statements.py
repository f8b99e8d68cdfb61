"""Statements a save sends by the thousand, named so that a backend may batch them."""

from __future__ import annotations

STRING_ID = "SELECT id FROM strings WHERE value = ? LIMIT 1"
INSERT_STRING_WITH_ID = "INSERT INTO strings (id, value) VALUES (?, ?)"
INSERT_VERSION = (
    "INSERT INTO versions (article_id, number, id, capture_id,"
    " first_captured_at, last_captured_at, capture_count, reverted_to)"
    " VALUES (?, ?, ?, ?, ?, NULL, 1, ?)"
)
# One more capture of a version, the latest so far.
RECAPTURED = (
    "UPDATE versions SET last_captured_at = ?, capture_count = capture_count + 1"
    " WHERE article_id = ? AND number = ?"
)
SET_ANALYSIS = (
    "UPDATE versions SET analysis_frame = ?, significance = ?, stealth = ?"
    " WHERE article_id = ? AND id = ?"
)
