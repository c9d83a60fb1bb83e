"""pageclean against the `clean` CLI: same output, same explanations, same errors.

Run with `pytest python/tests` after `pip install .`; CLEAN_BIN names the CLI to compare
with (the Rust binary in CI; default: the `clean` command on PATH).
"""

import json
import os
import pathlib
import shutil
import subprocess
import threading

import pytest

import pageclean

ROOT = pathlib.Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
CLI = os.environ.get("CLEAN_BIN") or shutil.which("clean")

# Written for these tests: an NPR-style player widget above an article, then a footer line.
PAGE = (
    "Play Live Radio\n"
    "Next Up:\n"
    "Available On Air Stations\n"
    "\n"
    "Harbour Seals Return To The Estuary\n"
    "\n"
    "Counts along the river mouth rose for the third spring running, volunteers said.\n"
    "Enlarge this image\n"
    "The colony now rests on two sandbanks at low tide.\n"
)
NPR = "https://www.npr.org/2024/05/01/seals"

BAD_RULE = """[[rule]]
id = "mine/broken"
why = "a test rule with a pattern that does not compile"
kind = "drop"
patterns = ['(unclosed']
"""

GOOD_RULE = """[[rule]]
id = "mine/coupon"
why = "Coupon lines of a shop page"
kind = "drop"
lines = ["Use code SAVE10 at checkout"]
"""


def cli(*args, stdin=b""):
    assert CLI, "no clean command to compare with: set CLEAN_BIN"
    r = subprocess.run([CLI, *args], input=stdin, capture_output=True, check=False)
    return r


@pytest.fixture(scope="module")
def rules():
    return pageclean.Rules()


def test_seeds_equal_the_cli(rules):
    assert SEEDS
    for p in SEEDS:
        data = p.read_bytes()
        want = (ROOT / "seeds" / "expected" / p.name).read_bytes()
        assert rules.clean(data) == want, p.name
        assert rules.clean(data.decode("utf-8")) == want.decode("utf-8"), p.name
        assert cli(str(p)).stdout == want, p.name


def test_url_selects_site_rules_as_the_cli_does(rules):
    out = rules.clean(PAGE, url=NPR)
    assert out.startswith("Harbour Seals Return To The Estuary\n")
    assert "Enlarge this image" not in out
    want = cli("--url", NPR, "-", stdin=PAGE.encode()).stdout
    assert out.encode() == want
    # The same page with no URL: what the CLI does without --url.
    assert rules.clean(PAGE).encode() == cli("-", stdin=PAGE.encode()).stdout


def test_bytes_keep_invalid_utf8_and_crlf(rules):
    page = PAGE.replace("\n", "\r\n").encode() + b"Caf\xe9 au lait, \xff\xfe bytes as they came"
    out = rules.clean(page, url=NPR)
    assert isinstance(out, bytes)
    assert out == cli("--url", NPR, "-", stdin=page).stdout
    # The last line had no newline: like the CLI, one is added, in the page's own style.
    assert out.endswith(b"Caf\xe9 au lait, \xff\xfe bytes as they came\r\n")
    assert b"Enlarge this image" not in out and out.count(b"\r\n") == out.count(b"\n")


def test_types_follow_the_input(rules):
    assert isinstance(rules.clean("a line\n"), str)
    assert isinstance(rules.clean(b"a line\n"), bytes)
    assert rules.clean("") == "" and rules.clean(b"") == b""
    with pytest.raises(TypeError, match="expected str or bytes"):
        rules.clean(42)


def test_clean_batch_equals_one_by_one(rules):
    texts = [p.read_text(encoding="utf-8") for p in SEEDS] * 5 + [PAGE, PAGE.encode(), b"\xff\n"]
    urls = [None, NPR, "https://example.com/"] * (len(texts) // 3) + [None] * (len(texts) % 3)
    got = rules.clean_batch(texts, urls)
    assert got == [rules.clean(t, u) for t, u in zip(texts, urls)]
    assert [type(g) for g in got] == [type(t) for t in texts]
    # The worker threads outlive a call: fewer, then more of them than before, and again.
    for threads in (1, 5, None):
        assert rules.clean_batch(texts, urls, threads=threads) == got
    assert rules.clean_batch(iter(texts)) == [rules.clean(t) for t in texts]
    assert rules.clean_batch([]) == []
    with pytest.raises(ValueError, match="3 texts but 1 urls"):
        rules.clean_batch(["a", "b", "c"], [None])


def test_a_text_over_the_cap_is_cleaned_in_pieces_as_the_cli_does(rules):
    # More lines than a piece holds (131,072): the CLI cleans the page in pieces, and the
    # last piece, all menu, has no article to keep a region for. Whole, it would go.
    article = "".join(
        f"The ferry {i} leaves the harbour at ten past eight from the first of May, the board said.\n\n"
        for i in range(100)
    )
    text = article + "".join(f"Home{i}\n" for i in range(140_000))
    want = cli("-", stdin=text.encode()).stdout
    assert want != cli("--max-page-bytes", "1G", "-", stdin=text.encode()).stdout
    assert rules.clean(text).encode() == want
    assert rules.clean_batch([text.encode()]) == [want]


def test_clean_batch_releases_the_gil(rules):
    texts = [PAGE * 40] * 4000
    running = threading.Event()
    ticks = []

    def tick():
        running.wait()
        while running.is_set():
            ticks.append(1)

    t = threading.Thread(target=tick)
    t.start()
    running.set()
    rules.clean_batch(texts)
    n = len(ticks)
    running.clear()
    t.join()
    assert n > 0, "no Python thread ran while clean_batch worked"


def test_explain_equals_the_cli_json(rules):
    got = rules.explain(PAGE, url=NPR)
    r = cli("--explain", "--format", "json", "--url", NPR, "-", stdin=PAGE.encode())
    want = [json.loads(l) for l in r.stdout.decode().splitlines()]
    for w in want:
        del w["file"]
    assert got == want
    assert {"npr/player-widget", "npr/player-lines"} <= {e["rule"] for e in got}
    assert got[0]["action"] == "site" and got[0]["rule"] == "npr"
    assert rules.explain(b"Nothing to remove here, only one plain sentence.\n") == []


def test_rule_files_and_folders(tmp_path):
    f = tmp_path / "shop.toml"
    f.write_text(GOOD_RULE)
    page = "Spring Sale\nUse code SAVE10 at checkout\nEvery coat is a third off this week.\n"
    mine = pageclean.Rules(paths=[f], defaults=False)
    assert mine.rule_ids() == ["mine/coupon"]
    out = mine.clean(page)
    assert "SAVE10" not in out
    assert out.encode() == cli("--no-default-rules", "--rules", str(f), "-", stdin=page.encode()).stdout
    both = pageclean.Rules(paths=[str(tmp_path)])
    assert "mine/coupon" in both.rule_ids() and len(both.rule_ids()) > 1
    assert "pageclean.Rules" in repr(both)


def test_disable_leaves_rules_out(rules):
    fewer = pageclean.Rules(disable=["npr/player-lines"])
    assert "npr/player-lines" not in fewer.rule_ids()
    assert len(fewer.rule_ids()) == len(rules.rule_ids()) - 1
    out = fewer.clean(PAGE, url=NPR)
    assert "Enlarge this image" in out
    want = cli("--disable", "npr/player-lines", "--url", NPR, "-", stdin=PAGE.encode()).stdout
    assert out.encode() == want
    with pytest.raises(pageclean.RuleError, match="no rule `npr/player-line` is loaded"):
        pageclean.Rules(disable=["npr/player-line"])


def test_bad_rule_file_raises_rule_error_with_the_cli_message(tmp_path):
    f = tmp_path / "bad.toml"
    f.write_text(BAD_RULE)
    with pytest.raises(pageclean.RuleError) as e:
        pageclean.Rules(paths=[f])
    assert isinstance(e.value, ValueError)
    msg = str(e.value)
    assert msg.startswith(f"{f}:5:")
    assert "mine/broken" in msg
    r = cli("--rules", str(f), "-")
    assert r.returncode == 2
    assert r.stderr.decode().strip() == f"clean: {msg}"


def test_missing_path_raises_os_error(tmp_path):
    missing = tmp_path / "nope.toml"
    with pytest.raises(FileNotFoundError) as e:
        pageclean.Rules(paths=[missing])
    assert isinstance(e.value, OSError)
    assert str(missing) in str(e.value)
    with pytest.raises(pageclean.RuleError, match="no rules"):
        pageclean.Rules(defaults=False)


def test_the_clean_command_is_installed():
    exe = shutil.which("clean")
    assert exe, "pip install did not put `clean` on PATH"
    for p in SEEDS:
        r = subprocess.run([exe, str(p)], capture_output=True, check=True)
        assert r.stdout == (ROOT / "seeds" / "expected" / p.name).read_bytes()
    recs = "".join(json.dumps({"id": i, "text": PAGE, "url": NPR}) + "\n" for i in range(3))
    r = subprocess.run([exe, "--jsonl", "--url-field", "url"], input=recs.encode(),
                       capture_output=True, check=True)
    assert r.stdout == cli("--jsonl", "--url-field", "url", stdin=recs.encode()).stdout
    r = subprocess.run([exe, "--rules", "/nonexistent/rules.toml", str(SEEDS[0])],
                       capture_output=True, check=False)
    assert r.returncode == 2 and r.stderr.startswith(b"clean: /nonexistent/rules.toml")
