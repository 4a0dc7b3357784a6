"""`resolve`: arXiv ids for records that lack one, against a replay server on
127.0.0.1 that answers title queries from tests/data/arxiv/ (see its README).
No test reaches the internet or sleeps for the arXiv interval: time is a fake
clock whose `sleep` only moves it forward."""
from __future__ import annotations

import http.server
import itertools
import json
import threading
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

import pytest
import yaml

from generator.diagnostics import DigestError
from generator.importers.resolve import ArxivClient, match_key, resolve, search_phrase

DATA = Path(__file__).parent / "data" / "arxiv"
PAPERS = Path(__file__).parent.parent / "content" / "papers"
GEOMETRIC = "Geometric Phase Transition Enables Extreme Hippocampal Memory Capacity"
EARLY = "Early warning signals The charted and uncharted territories"
LANGUAGE = "Language Game Talking to Non-Human Systems"


def record(shard: str, paper_id: str) -> dict:
    """A real record from content/papers/ (none of them has an arXiv id yet)."""
    data = yaml.safe_load((PAPERS / shard / f"{paper_id}.yaml").read_text(encoding="utf-8"))
    assert "arxiv" not in data
    return data


@dataclass
class Step:
    """One answer: a fixture file (or raw body) with a status, or a trickle."""

    file: str | None = None
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    trickle: str = ""  # "head": even the status line comes a byte at a time; "body": only the body does
    every: float = 1.0  # seconds between trickled bytes


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class Replay:
    """An HTTP server answering arXiv title queries: `routes` maps the phrase
    inside ti:"..." to the answers for its 1st, 2nd, ... request (the last
    repeats). Every request is recorded with its query and the clock's time."""

    def __init__(self, routes: dict[str, list[Step]], clock=None):
        self.routes, self.clock = routes, clock
        self.requests: list[dict] = []
        self.stop = threading.Event()
        replay = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
                phrase = query.get("search_query", [""])[0].removeprefix('ti:"').removesuffix('"')
                seen = sum(1 for r in replay.requests if r["phrase"] == phrase)
                replay.requests.append({"phrase": phrase, "query": query, "path": self.path,
                                        "at": replay.clock() if replay.clock else None,
                                        "agent": self.headers.get("User-Agent")})
                steps = replay.routes.get(phrase) or [Step(status=404, body=b"no such fixture")]
                replay.answer(self, steps[min(seen, len(steps) - 1)])

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/query"

    def answer(self, handler: http.server.BaseHTTPRequestHandler, step: Step) -> None:
        body = (DATA / step.file).read_bytes() if step.file else step.body
        head = (f"HTTP/1.0 {step.status} Status\r\nContent-Type: application/atom+xml; charset=utf-8\r\n"
                + "".join(f"{k}: {v}\r\n" for k, v in step.headers.items())
                + f"Content-Length: {len(body)}\r\n\r\n").encode()
        if not step.trickle:
            handler.wfile.write(head + body)
            return
        if step.trickle == "body":
            handler.wfile.write(head)
            head = b""
        try:
            for byte in head + body:
                handler.wfile.write(bytes([byte]))
                handler.wfile.flush()
                if self.stop.wait(step.every):  # until the test ends
                    return
        except OSError:
            return  # the client hung up, as it should

    def __enter__(self) -> Self:
        threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()


def client_for(replay: Replay, clock: FakeClock | None = None, **options) -> ArxivClient:
    clock = clock or FakeClock()
    return ArxivClient(api=replay.url, sleep=clock.sleep, clock=clock, **options)


def test_a_single_exact_title_match_fills_id_authors_links_date_and_category():
    paper = record("t-ge", "geometric-phase-transition-enables-extreme-hippocampal-memory-capacity")
    with Replay({GEOMETRIC: [Step("ti-one-match.atom")]}) as replay:
        result = resolve([paper], client_for(replay))
    match = result.matched[paper["id"]]
    assert match.arxiv == "2600.00001"  # not the "...: Supplementary Analyses" entry, whose title only contains it
    assert match.record["authors"] == ["A. N. Author"]
    assert match.record["links"] == {"arxiv": "https://arxiv.org/abs/2600.00001",
                                     "pdf": "https://arxiv.org/pdf/2600.00001",
                                     "hf": "https://huggingface.co/papers/2600.00001"}  # an hf-page record
    assert (match.record["published"], match.record["category"]) == ("2026-05-15", "q-bio.NC")
    assert result.unmatched == [] and result.ambiguous == {} and result.duplicates == {}
    [request] = replay.requests
    assert request["query"]["search_query"] == [f'ti:"{GEOMETRIC}"']
    assert request["query"]["max_results"] == ["5"]
    assert request["path"].startswith("/api/query?search_query=ti:%22Geometric+Phase+")
    assert request["agent"].startswith("digest-resolve/")


def test_a_real_response_matches_titles_that_differ_in_case_dashes_wrapping_and_latex():
    # tests/data/arxiv/ti-diffuse-rsxiv.atom is a real API answer (trimmed, not edited)
    titles = {"fdm": "Fractional diffusion maps",
              "fronts": "Positive travelling fronts for reaction–diffusion systems with distributed delay",
              "real-line": "On Fractional Diffusion–Advection–Reaction Equation in ℝ",
              "prefix": "Fractional Diffusion"}
    records = [{"id": key, "title": title, "abstract": ""} for key, title in titles.items()]
    routes = {search_phrase(title): [Step("ti-diffuse-rsxiv.atom")] for title in titles.values()}
    with Replay(routes) as replay:
        client = client_for(replay)
        result = resolve(records, client)
    assert {k: c.arxiv for k, c in result.matched.items()} == {
        "fdm": "1810.03952", "fronts": "1005.2786", "real-line": "1805.09398"}
    assert result.matched["fdm"].record["authors"] == ["Harbir Antil", "Tyrus Berry", "John Harlim"]
    assert result.matched["fdm"].record["links"]["pdf"] == "https://arxiv.org/pdf/1810.03952"
    assert result.matched["fronts"].record["published"] == "2010-05-17"
    assert result.unmatched == ["prefix"]


def test_no_entries_means_unmatched():
    paper = record("t-la", "language-game-talking-to-non-human-systems")
    with Replay({LANGUAGE: [Step("ti-no-match.atom")]}) as replay:
        result = resolve([paper], client_for(replay))
    assert result.unmatched == [paper["id"]] and result.matched == {}


def test_two_entries_with_the_same_title_are_ambiguous_never_guessed():
    paper = record("t-ea", "early-warning-signals-the-charted-and-uncharted-territories")
    with Replay({EARLY: [Step("ti-two-candidates.atom")]}) as replay:
        result = resolve([paper], client_for(replay))
    assert result.ambiguous == {paper["id"]: ["2600.00011", "2600.00012"]}
    assert result.matched == {} and result.unmatched == []


def test_two_records_matching_one_arxiv_id_and_an_id_already_taken_are_duplicates():
    records = [{"id": "a", "title": "Fractional Diffusion Maps"}, {"id": "b", "title": "Fractional diffusion maps."},
               {"id": "c", "title": "A Note on the Axisymmetric Diffusion Equation"},
               {"id": "d", "title": "Already there", "arxiv": "2410.17243"}]
    routes = {"Fractional Diffusion Maps": [Step("ti-diffuse-rsxiv.atom")],
              "Fractional diffusion maps": [Step("ti-diffuse-rsxiv.atom")],
              "A Note on the Axisymmetric Diffusion Equation": [Step("ti-diffuse-rsxiv.atom")]}
    with Replay(routes) as replay:
        result = resolve(records, client_for(replay), known={"2006.09211": "axisymmetric-old"})
    assert result.duplicates == {"a": "1810.03952", "b": "1810.03952", "c": "2006.09211"}
    assert result.matched == {} and result.skipped == ["d"]
    assert len(replay.requests) == 3  # the record with an id is not looked up


def test_a_503_is_retried_with_backoff_and_then_succeeds():
    clock = FakeClock()
    steps = [Step(status=503, body=b"busy"), Step(status=429, headers={"Retry-After": "7"}), Step("ti-one-match.atom")]
    with Replay({GEOMETRIC: steps}, clock) as replay:
        result = resolve([{"id": "g", "title": GEOMETRIC}], client_for(replay, clock, min_interval=0))
    assert result.matched["g"].arxiv == "2600.00001"
    assert len(replay.requests) == 3
    assert clock.sleeps == [1.0, 7.0]  # backoff 1 s, then the server's Retry-After over our 2 s


def test_retries_are_bounded_and_end_in_a_clear_error():
    clock = FakeClock()
    with Replay({GEOMETRIC: [Step(status=503)]}, clock) as replay:
        client = client_for(replay, clock, retries=2, min_interval=0)
        with pytest.raises(DigestError) as caught:
            client.search_title(GEOMETRIC)
    assert len(replay.requests) == 3 and clock.sleeps == [1.0, 2.0]
    assert "failed 3 times (last: HTTP 503" in str(caught.value)
    assert "Traceback" not in str(caught.value)


def test_backoff_that_would_pass_the_deadline_gives_up_at_once():
    clock = FakeClock()
    replay = Replay({GEOMETRIC: [Step(status=429, headers={"Retry-After": "600"})]}, clock)
    with replay, pytest.raises(DigestError, match="within 120 s"):
        client_for(replay, clock).search_title(GEOMETRIC)
    assert len(replay.requests) == 1 and clock.sleeps == []


@pytest.mark.parametrize("trickle", ["head", "body"])
def test_a_server_sending_one_byte_a_second_is_cut_off_by_the_deadline(trickle):
    with Replay({GEOMETRIC: [Step("ti-one-match.atom", trickle=trickle)]}) as replay:
        # real clock, short deadline: the wait for each byte is longer than what is left
        client = ArxivClient(api=replay.url, deadline=0.25, retries=3, min_interval=0)
        with pytest.raises(DigestError, match=r"no answer from the arXiv API within 0\.25 s"):
            client.search_title(GEOMETRIC)
    assert len(replay.requests) == 1  # the deadline is overall: no retry after it


@pytest.mark.parametrize("trickle", ["head", "body"])
def test_a_trickle_fast_enough_for_every_read_is_still_cut_off_by_the_deadline(trickle):
    with Replay({GEOMETRIC: [Step("ti-one-match.atom", trickle=trickle, every=0.05)]}) as replay:
        # each read succeeds well within the timeout; only the overall deadline can end this
        client = ArxivClient(api=replay.url, deadline=0.25, timeout=15, retries=3, min_interval=0)
        with pytest.raises(DigestError, match=r"no answer from the arXiv API within 0\.25 s") as caught:
            client.search_title(GEOMETRIC)
    assert "last:" not in str(caught.value)  # cut off mid-answer, not after a failed attempt
    assert len(replay.requests) == 1


def test_an_error_page_fails_that_record_only():
    records = [{"id": "x", "title": "Broken"}, {"id": "g", "title": GEOMETRIC}]
    routes = {"Broken": [Step(body=b"<html><body>Rate limited</body></html>")], GEOMETRIC: [Step("ti-one-match.atom")]}
    with Replay(routes) as replay:
        result = resolve(records, client_for(replay))
    assert "expected an Atom feed" in result.failed["x"]
    assert result.matched["g"].arxiv == "2600.00001"


def test_a_client_error_is_not_retried():
    replay = Replay({GEOMETRIC: [Step(status=400, body=b"bad query")]})
    with replay, pytest.raises(DigestError, match="answered HTTP 400"):
        client_for(replay).search_title(GEOMETRIC)
    assert len(replay.requests) == 1


def test_an_oversized_answer_is_refused():
    replay = Replay({GEOMETRIC: [Step("ti-one-match.atom")]})
    with replay, pytest.raises(DigestError, match="larger than 1,000 bytes"):
        client_for(replay, max_bytes=1000).search_title(GEOMETRIC)


def test_the_cache_answers_a_second_run_without_http(tmp_path: Path):
    with Replay({GEOMETRIC: [Step("ti-one-match.atom")]}) as replay:
        first = client_for(replay, cache_dir=tmp_path / "cache")
        assert resolve([{"id": "g", "title": GEOMETRIC}], first).matched["g"].arxiv == "2600.00001"
        second = client_for(replay, cache_dir=tmp_path / "cache")
        assert resolve([{"id": "g", "title": GEOMETRIC}], second).matched["g"].arxiv == "2600.00001"
    assert len(replay.requests) == 1 and (first.requests, second.requests) == (1, 0)
    [saved] = (tmp_path / "cache").iterdir()
    data = json.loads(saved.read_text(encoding="utf-8"))  # plain JSON: url and the raw Atom text
    assert data["url"] == first.title_url(GEOMETRIC) and data["body"].startswith("<?xml")


def test_a_damaged_cache_file_is_asked_again(tmp_path: Path):
    with Replay({GEOMETRIC: [Step("ti-one-match.atom")]}) as replay:
        client = client_for(replay, cache_dir=tmp_path)
        client._cache_path(client.title_url(GEOMETRIC)).write_text("{not json", encoding="utf-8")
        assert resolve([{"id": "g", "title": GEOMETRIC}], client).matched
    assert len(replay.requests) == 1


def test_requests_are_spaced_by_min_interval():
    clock = FakeClock()
    routes = {GEOMETRIC: [Step("ti-one-match.atom")], LANGUAGE: [Step("ti-no-match.atom")],
              EARLY: [Step("ti-two-candidates.atom")]}
    records = [{"id": "g", "title": GEOMETRIC}, {"id": "l", "title": LANGUAGE}, {"id": "e", "title": EARLY}]
    with Replay(routes, clock) as replay:
        resolve(records, client_for(replay, clock))
    times = [r["at"] for r in replay.requests]
    assert len(times) == 3 and times[0] == 0.0
    assert all(later - earlier >= 3.0 for earlier, later in itertools.pairwise(times))
    assert clock.sleeps == [3.0, 3.0]


def test_a_title_is_sent_as_one_phrase_whatever_its_punctuation():
    client = ArxivClient(api="https://export.arxiv.org/api/query")
    url = client.title_url('"Who Am I?" Roles: (Multi-Agent) AND [Swarms]')
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["search_query"] == [
        'ti:"Who Am I Roles Multi-Agent AND Swarms"']


def test_the_api_address_must_be_http():
    with pytest.raises(DigestError, match="must be an http"):
        ArxivClient(api="file:///etc/passwd")


@pytest.mark.parametrize("a, b, same", [
    ("β-VAE: Learning Basic Visual Concepts", r"$\beta$-VAE: Learning basic visual concepts", True),
    ("β-VAE", r"$\alpha$-VAE", False),
    ("Lévy Flights — A Review", r"L\'evy flights -- a review", True),
    ("Pre-training at Scale", "Pretraining at Scale", False),
    ("Early warning signals: The charted and uncharted territories",
     "Early Warning Signals -- the Charted and Uncharted Territories", True),
])
def test_match_key(a, b, same):
    assert (match_key(a) == match_key(b)) is same
