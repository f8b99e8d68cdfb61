"""Alerts: each new version reaches each channel once, filtered, with the change itself."""

from __future__ import annotations

import hashlib
import hmac
import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import hookserver
import pytest
from hookserver import Receiver

from newsarchive import Archive
from newsarchive.diff import diff_texts
from newsarchive.errors import InputError
from newsarchive.fetch.webhook import WebhookOptions
from newsarchive.notify import (
    AlertFilter,
    AppriseChannel,
    CommandChannel,
    WebhookChannel,
    excerpt,
    notify,
)

receiver = hookserver.receiver

URL = "https://news.example.com/2024/05/01/council-vote"
OTHER = "https://other.example.org/sport/final"
NOW = datetime(2024, 5, 2, 12, 0, tzinfo=UTC)
FIRST = "The council voted 7 to 2 on Tuesday. The mayor said the plan would start soon."
SECOND = "The council voted 6 to 3 on Tuesday. The mayor said the plan would start soon."
THIRD = SECOND + " Opponents said they would appeal the decision in court."
NO_WAIT = WebhookOptions(retries=0)


def _hours(n: float) -> datetime:
    return NOW - timedelta(hours=n)


def _story(archive: Archive) -> None:
    """Two changes of one article: a number changed, then a sentence added."""
    archive.save(URL, text=FIRST, title="Council votes", captured_at=_hours(5))
    archive.save(URL, text=SECOND, title="Council votes", captured_at=_hours(4))
    archive.save(URL, text=THIRD, title="Council votes, appeal next", captured_at=_hours(3))


def _posted(rx: Receiver) -> list[dict]:
    return [json.loads(body) for _path, _headers, body in rx.posts]


def test_webhook_gets_each_version_once_with_the_change(
    archive: Archive, receiver: Receiver
) -> None:
    _story(archive)
    channel = WebhookChannel(receiver.url + "/hook", options=NO_WAIT)
    first = notify(archive, [channel], since=_hours(10), now=NOW)
    assert first.ok and first.channels[0].sent == 2
    bodies = _posted(receiver)
    assert [(b["old"]["version"], b["new"]["version"]) for b in bodies] == [(1, 2), (2, 3)]
    edited = bodies[0]["changes"][0]
    assert edited["kind"] == "edited"
    assert edited["removed"] == ["7", "2"] and edited["added"] == ["6", "3"]
    assert "[-7-]{+6+} to [-2-]{+3+}" in edited["excerpt"]
    assert bodies[0]["significance"] == "substantive"
    assert "number-changed" in [r["code"] for r in bodies[0]["reasons"]]
    assert bodies[1]["headline"] == {"old": "Council votes", "new": "Council votes, appeal next"}
    assert bodies[1]["changes"][0]["kind"] == "added"
    assert bodies[1]["links"]["article"] == URL
    assert "[-7-]{+6+} to [-2-]{+3+}" in bodies[0]["text"]
    # Run again, and again after another capture of the same text: nothing new to send.
    again = notify(archive, [channel], since=_hours(10), now=NOW + timedelta(minutes=5))
    archive.save(URL, text=THIRD, title="Council votes, appeal next", captured_at=_hours(1))
    third = notify(archive, [channel], now=NOW + timedelta(minutes=10))
    assert again.channels[0].sent == third.channels[0].sent == 0
    assert len(receiver.posts) == 2


def test_a_new_channel_starts_now_and_skips_history(
    sqlite_archive: Archive, receiver: Receiver
) -> None:
    _story(sqlite_archive)
    channel = WebhookChannel(receiver.url, options=NO_WAIT)
    assert notify(sqlite_archive, [channel], now=NOW).channels[0].sent == 0
    sqlite_archive.save(
        URL, text=THIRD + " A vote follows.", captured_at=NOW + timedelta(minutes=1)
    )
    later = notify(sqlite_archive, [channel], now=NOW + timedelta(minutes=2))
    assert [d.alert.new.number for d in later.channels[0].deliveries] == [4]
    assert len(receiver.posts) == 1


def test_signature_is_hmac_of_the_exact_body(sqlite_archive: Archive, receiver: Receiver) -> None:
    _story(sqlite_archive)
    channel = WebhookChannel(receiver.url, secret="s3cret", options=NO_WAIT)
    notify(sqlite_archive, [channel], since=_hours(10), now=NOW)
    for _path, headers, body in receiver.posts:
        expected = hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
        assert headers["x-newsarchive-signature"] == f"sha256={expected}"
        assert headers["content-type"].startswith("application/json")


def test_webhook_retries_with_backoff_then_succeeds(
    sqlite_archive: Archive, receiver: Receiver
) -> None:
    _story(sqlite_archive)
    receiver.statuses = [503, 500]
    waits: list[float] = []
    from newsarchive.fetch.webhook import post_json

    status = post_json(
        receiver.url,
        b"{}",
        options=WebhookOptions(retries=3, backoff_seconds=0.5),
        sleep=waits.append,
    )
    assert status == 200 and waits == [0.5, 1.0] and len(receiver.posts) == 3


def test_failed_alert_is_reported_and_sent_next_run_without_blocking_others(
    sqlite_archive: Archive, receiver: Receiver, tmp_path: Path
) -> None:
    _story(sqlite_archive)
    receiver.statuses = [400]  # the first post is refused, and a 4xx is not retried
    out = tmp_path / "alerts.jsonl"
    failing = CommandChannel(f"{sys.executable} -c 'import sys; sys.exit(\"full disk\")'")
    saving = CommandChannel(f"cat >> {out}; echo >> {out}")
    hook = WebhookChannel(receiver.url, options=NO_WAIT)
    report = notify(sqlite_archive, [failing, hook, saving], since=_hours(10), now=NOW)
    assert not report.ok
    assert [c.failed for c in report.channels] == [2, 1, 0]
    assert "exited with status 1: full disk" in (report.channels[0].deliveries[0].error or "")
    assert "HTTP 400" in (report.channels[1].deliveries[0].error or "")
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [b["new"]["version"] for b in lines] == [2, 3]
    retry = notify(sqlite_archive, [hook, saving], now=NOW + timedelta(minutes=5))
    assert [d.alert.new.number for d in retry.channels[0].deliveries] == [2]
    assert retry.channels[1].sent == 0 and retry.ok


def test_killed_run_is_retried_after_its_claim_expires(archive: Archive) -> None:
    _story(archive)
    store = archive.store
    key = "webhook:killed"
    store.alert_start(key, start_at=_hours(10))
    versions = [v.id for v in archive.history(URL)[1:]]
    # A run claims both alerts, then dies before recording anything.
    assert store.claim_alerts(key, versions, now=NOW, lease_seconds=600) == versions
    # An overlapping run does not send them again...
    assert (
        store.claim_alerts(key, versions, now=NOW + timedelta(seconds=30), lease_seconds=600) == []
    )
    # ...but once the claim expired, the next one does.
    later = NOW + timedelta(minutes=11)
    assert store.claim_alerts(key, versions, now=later, lease_seconds=600) == versions
    store.settle_alerts(key, [(versions[0], None), (versions[1], "boom")])
    assert store.claim_alerts(key, versions, now=later, lease_seconds=600) == [versions[1]]


def test_channel_start_is_kept_per_channel(archive: Archive) -> None:
    store = archive.store
    assert store.alert_start("a", start_at=_hours(3)) == _hours(3)
    assert store.alert_start("a", start_at=_hours(1)) == _hours(3)
    assert store.alert_start("b", start_at=_hours(1), create=False) == _hours(1)
    assert store.alert_start("b", start_at=_hours(2)) == _hours(2)
    store.settle_alerts("a", [], start_at=_hours(2))
    store.settle_alerts("a", [], start_at=_hours(4))  # never moves back
    assert store.alert_start("a", start_at=NOW) == _hours(2)


def test_dry_run_sends_and_records_nothing(sqlite_archive: Archive, receiver: Receiver) -> None:
    _story(sqlite_archive)
    channel = WebhookChannel(receiver.url, options=NO_WAIT)
    dry = notify(sqlite_archive, [channel], since=_hours(10), now=NOW, dry_run=True)
    assert [d.alert.new.number for d in dry.channels[0].deliveries] == [2, 3]
    assert receiver.posts == []
    # The channel was not created by the dry run: its real first run starts at --since.
    real = notify(sqlite_archive, [channel], since=_hours(10), now=NOW)
    assert real.channels[0].sent == 2


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (AlertFilter(), [(URL, 2), (URL, 3), (OTHER, 2)]),
        (AlertFilter(headline=True), [(URL, 3)]),
        (AlertFilter(reasons=("number-changed",)), [(URL, 2)]),
        (AlertFilter(url_patterns=("other.example.org/*",)), [(OTHER, 2)]),
        (AlertFilter(url_patterns=("https://news.example.com/2024/*",)), [(URL, 2), (URL, 3)]),
        (AlertFilter(min_significance="substantive"), [(URL, 2), (URL, 3)]),
    ],
)
def test_filters(
    sqlite_archive: Archive, filters: AlertFilter, expected: list[tuple[str, int]]
) -> None:
    _story(sqlite_archive)
    sqlite_archive.save(OTHER, text="The final ended 2-1 .", captured_at=_hours(3))
    sqlite_archive.save(OTHER, text="The final ended 2-1.", captured_at=_hours(2))
    report = notify(
        sqlite_archive, [CommandChannel("true")], filters=filters, since=_hours(10), now=NOW
    )
    got = [(d.alert.url, d.alert.new.number) for d in report.channels[0].deliveries]
    assert got == expected


def test_apprise_delivers_through_its_json_service(
    sqlite_archive: Archive, receiver: Receiver
) -> None:
    """apprise's own json:// service posts to our receiver: the real library end to end."""
    _story(sqlite_archive)
    port = receiver.url.rsplit(":", 1)[1]
    channel = AppriseChannel(f"json://127.0.0.1:{port}/apprise")
    report = notify(sqlite_archive, [channel], since=_hours(10), now=NOW)
    assert report.ok and report.channels[0].sent == 2
    messages = _posted(receiver)
    assert "Council votes" in messages[0]["title"] and "substantive" in messages[0]["title"]
    assert "[-7-]{+6+} to [-2-]{+3+}" in messages[0]["message"]
    assert channel.label == "apprise json://"


def test_bad_channels_are_input_errors() -> None:
    with pytest.raises(InputError, match="http"):
        WebhookChannel("ftp://example.org/hook")
    with pytest.raises(InputError, match="apprise does not recognise"):
        AppriseChannel("nosuchservice://x")


def test_channel_keys_keep_no_secret() -> None:
    channel = WebhookChannel("https://hooks.slack.com/services/T000/B000/SECRETTOKEN")
    assert "SECRET" not in channel.key and "SECRET" not in channel.label
    assert channel.label == "webhook https://hooks.slack.com/services/…"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("a b c", "a x c", "a [-b-]{+x+} c"),
        (
            "one two three four five six seven eight nine ten eleven",
            "one two three four five six seven eight nine ten twelve",
            "… five six seven eight nine ten [-eleven-]{+twelve+}",
        ),
        ("", "brand new", "{+brand new+}"),
        ("Σ ünïcode 😀 text", "Σ ünïcode 🎉 text", "Σ ünïcode [-😀-]{+🎉+} text"),
    ],
)
def test_excerpt_marks_changes_with_a_little_context(old: str, new: str, expected: str) -> None:
    assert excerpt(diff_texts(old, new, granularity="word").ops) == expected


def test_overlapping_runs_send_each_alert_once(archive_location: str, receiver: Receiver) -> None:
    """Two runs at once, each with its own connection, while the webhook is slow."""
    import threading
    import time

    if archive_location == ":memory:":
        pytest.skip("an in-memory archive cannot be shared by two connections")
    with Archive.open(archive_location) as archive:
        _story(archive)
        for n in range(4):
            text = THIRD + f" Update {n}: the vote was reviewed."
            archive.save(URL, text=text, captured_at=_hours(2.5 - n * 0.1))
    slow = threading.Event()

    def run() -> None:
        with Archive.open(archive_location) as mine:
            channel = WebhookChannel(receiver.url, options=NO_WAIT)
            slow.wait(5)
            notify(mine, [channel], since=_hours(10), now=NOW)

    receiver.delay_seconds = 0.05
    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    time.sleep(0.05)
    slow.set()
    for thread in threads:
        thread.join(30)
    versions = sorted(json.loads(body)["new"]["version"] for _p, _h, body in receiver.posts)
    assert versions == [2, 3, 4, 5, 6, 7]
