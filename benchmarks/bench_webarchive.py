"""WARC indexing and WACZ export, whole processes, beside the web-archiving tools' own.

python benchmarks/bench_webarchive.py              # 1,000 captures of news pages
python benchmarks/bench_webarchive.py --versions 3000 --rounds 7

Builds an archive of generated news pages (HTML, a third of the sites serving
ISO-8859-1), exports it with ``newsarchive export --warc``, then times, side by side in
alternating runs:

* ``newsarchive cdxj`` against ``cdxj-indexer`` on the same WARC;
* ``newsarchive export --wacz`` against what one would run without it:
  ``newsarchive export --warc`` then ``wacz create --detect-pages``.

The tools are installed from PyPI into a venv under ``benchmarks/out`` on first use.
Each figure is the median wall time of the rounds, and the ratio the median of each
round's ratio, so a machine whose speed drifts still compares like with like.
"""

from __future__ import annotations

import argparse
import html
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from corpus import histories  # noqa: E402

from newsarchive import Archive  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
TOOLS = ("cdxj-indexer==1.5.0", "wacz==0.6.0")
NEWSARCHIVE = str(Path(sys.executable).with_name("newsarchive"))


def tools_bin() -> Path:
    """A venv with the anchor tools, created once."""
    root = OUT / "webarchive-tools"
    ready = root / "installed.txt"
    if not ready.exists() or ready.read_text() != "\n".join(TOOLS):
        venv.create(root, with_pip=True, clear=True)
        subprocess.run(
            [str(root / "bin" / "python"), "-m", "pip", "install", "-q", *TOOLS], check=True
        )
        ready.write_text("\n".join(TOOLS))
    return root / "bin"


def page(title: str, text: str, charset: str) -> bytes:
    paragraphs = "".join(f"<p>{html.escape(p)}</p>\n" for p in text.split("\n\n"))
    document = (
        f'<!doctype html><html><head><meta charset="{charset}"><title>{html.escape(title)}'
        f" | Example Gazette</title></head><body><nav>Home | World | Politics</nav>"
        f"<article><h1>{html.escape(title)}</h1>{paragraphs}</article>"
        f"<footer>© Example Gazette</footer></body></html>"
    )
    return document.encode(charset, "xmlcharrefreplace")


def build(location: Path, versions: int) -> int:
    with Archive.open(location) as archive:
        count = 0
        for item in histories(versions):
            story = int(item["url"].rsplit("/", 1)[1])
            charset = "iso-8859-1" if story % 3 == 0 else "utf-8"
            archive.save(
                item["url"],
                html=page(item["title"], item["text"], charset),
                html_charset=charset,
                text=item["text"],
                title=item["title"],
                captured_at=datetime.fromisoformat(item["captured_at"]),
                fetched_url=item["url"],
                http_status=200,
                http_headers=[("Content-Type", f"text/html; charset={charset}")],
                analyse=False,
            )
            count += 1
    return count


def timed(command: str) -> float:
    start = time.perf_counter()
    subprocess.run(shlex.split(command), check=True, capture_output=True)
    return time.perf_counter() - start


def compare(label: str, ours: str, anchor: str, rounds: int) -> None:
    timed(ours), timed(anchor)  # warm-up: page cache, bytecode
    a, b = [], []
    for _ in range(rounds):
        a.append(timed(ours))
        b.append(timed(anchor))
    ratio = statistics.median(x / y for x, y in zip(a, b, strict=True))
    print(f"{label}")
    print(f"  newsarchive  median {statistics.median(a):7.3f} s   ({ours})")
    print(f"  anchor       median {statistics.median(b):7.3f} s   ({anchor})")
    print(f"  ratio newsarchive/anchor, median of {rounds} rounds: {ratio:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--versions", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    tools = tools_bin()
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=OUT) as scratch:
        work = Path(scratch)
        archive = work / "archive"
        captures = build(archive, args.versions)
        warc = work / "news.warc.gz"
        subprocess.run(
            [NEWSARCHIVE, "--archive", str(archive), "export", "--warc", str(warc)],
            check=True,
            capture_output=True,
        )
        print(f"{captures} captures, WARC {warc.stat().st_size / 1e6:.1f} MB\n")
        compare(
            "CDXJ index of the WARC",
            f"{NEWSARCHIVE} cdxj -o {work / 'ours.cdxj'} {warc}",
            f"{tools / 'cdxj-indexer'} -o {work / 'theirs.cdxj'} {warc}",
            args.rounds,
        )
        compare(
            "WACZ with a page list, from the archive",
            f"{NEWSARCHIVE} --archive {archive} export --wacz {work / 'ours.wacz'}",
            "sh -c "
            + shlex.quote(
                f"{NEWSARCHIVE} --archive {archive} export --warc {work / 'a.warc.gz'} && "
                f"{tools / 'wacz'} create -f {work / 'a.warc.gz'} -o {work / 'a.wacz'} "
                "--detect-pages"
            ),
            args.rounds,
        )


if __name__ == "__main__":
    main()
