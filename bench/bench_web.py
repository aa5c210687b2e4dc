"""The web workbench under load: the desk, a case page and a search, 50 concurrent sessions, on
PostgreSQL with the demo year loaded.

    python bench/bench_web.py [--url postgresql+psycopg://postgres@127.0.0.1:5432/test]
                              [--sessions 50] [--seconds 10] [--workers 2] [--think 1.0]
                              [--rebuild] [--until 2020-12-31]

The demo year is built once (``run_demo``) into a PostgreSQL database of its own named by the
demo's extent (``cw_bench_web_<until>``), kept between runs (``--rebuild`` builds it again).
Then ``casework serve --workers N`` runs on 127.0.0.1 on a free port, ``--sessions`` town
clerks and supervisors log in through the JSON API (each a Bearer session, which the pages
accept), and an async httpx load tool on 127.0.0.1 drives each page in turn for ``--seconds``.
Each session is a user at work: it asks for the page, reads the answer and asks again after a
think time drawn evenly between half and one and a half times ``--think`` seconds (1 s: a
clerk clicking every second, far busier than anyone in an office; 50 such users offer about
50 requests a second). With ``--think 0`` every session asks again as soon as its answer
came back (a closed loop at saturation: the latency is then the sessions divided by the
throughput, and the requests per second are the server's capacity). Each user asks for their
own desk, a case of their own office and a search of their office's cases by a title word.

Prints, per page, requests, requests/s, p50 and p95 latency, and their ratios to a baseline
measured the same way in the same run (a static asset: the server's floor); target p95 under
100 ms for each page. The server's clock is the machine's (the demo year lies in 2020, so the
desk's deadlines are all long past: the worst case for its queues).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from casework.api import Casework
from casework.demo.people import staff
from casework.demo.runner import run_demo
from casework.storage import schema
from casework.storage.db import open_engine
from casework.time.local import parse_date

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = os.environ.get(
    "CASEWORK_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
# The bench's own personal-data key (the demo's ID numbers are invented), unless one is given.
BENCH_KEY = "42" * 32
PASSWORD = "Bench#2020web"
TEMPORARY = "Temp#2020web"
TARGET_MS = 100.0


def database_url(base: str, name: str) -> str:
    return (
        make_url(base)
        .set(drivername="postgresql+psycopg", database=name)
        .render_as_string(hide_password=False)
    )


def demo_database(base: str, until: str, rebuild: bool) -> str:
    """The demo year in a database of its own, built once and kept (cached by its extent)."""
    name = f"cw_bench_web_{until.replace('-', '')}"
    admin = create_engine(
        make_url(base).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        there = exists.first() is not None
        if there and rebuild:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            there = False
        if not there:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = database_url(base, name)
    if there:  # built by an older casework: brought to this one's schema, as `init` would
        engine = open_engine(url)
        schema.upgrade(engine)
        engine.dispose()
    if not there:
        started = time.monotonic()
        run_demo(url, 2020, 2020, False, None, parse_date(until, "until"))
        print(f"demo year built into {name} in {time.monotonic() - started:.0f} s")
    return url


@dataclass
class User:
    username: str
    office: str
    case_no: str
    word: str


def users(url: str, n: int) -> list[User]:
    """``n`` town clerks and supervisors, each with a password of their own and a case."""
    cw = Casework(url)
    chosen = [(u, office) for u, _, role, office in staff() if role in ("clerk", "supervisor")]
    made = []
    for username, office in chosen[:n]:
        cw.acting("admin").set_password(username, TEMPORARY)
        cw.acting(username).change_password(TEMPORARY, PASSWORD)
        case = cw.acting(username).cases(limit=1)
        if case:
            made.append(User(username, office, case[0]["case_no"], case[0]["title"][:2]))
    cw.close()
    return made


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def serve(url: str, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "casework"), "--db", url, "serve", "--port", str(port),
         "--workers", str(workers)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/static/casework.css", timeout=1).status_code == 200:
                return server, base
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit(
        "casework serve did not start: " + (server.stderr.read() if server.stderr else b"").decode()
    )


async def tokens(base: str, people: Sequence[User]) -> list[str]:
    async with httpx.AsyncClient(base_url=base) as client:
        got = []
        for u in people:
            done = await client.post(
                "/api/v1/login", json={"username": u.username, "password": PASSWORD}
            )
            done.raise_for_status()
            got.append(done.json()["token"])
        return got


PAGES: dict[str, Callable[[User], str]] = {
    "baseline (static asset)": lambda u: "/static/casework.css",
    "desk /desk": lambda u: "/desk",
    "case /cases/{no}": lambda u: f"/cases/{u.case_no}",
    "search /search": lambda u: f"/search?title={u.word}",
}


async def drive(base: str, people: Sequence[User], secrets: Sequence[str], page: str,
                seconds: float, think: float) -> tuple[list[float], float, int]:  # fmt: skip
    """Every session asks for the page for ``seconds``, thinking between two requests (see
    the module's text): the latencies (ms), the time spent and the requests that failed on
    the way (a connection the server closed as it was reused: counted, not timed)."""
    path_of = PAGES[page]
    times: list[float] = []
    failed = [0]
    pause = random.Random(2020)  # the same think times at every run
    limits = httpx.Limits(max_connections=len(people) + 5)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        stop = time.monotonic() + seconds

        async def session(u: User, secret: str) -> None:
            headers = {"Authorization": f"Bearer {secret}"}
            path = path_of(u)
            await asyncio.sleep(pause.uniform(0, think))  # users do not all click at once
            while time.monotonic() < stop:
                began = time.perf_counter()
                try:
                    answer = await client.get(path, headers=headers)
                except httpx.TransportError:
                    failed[0] += 1
                    continue
                if answer.status_code != 200:
                    raise SystemExit(f"{path}: {answer.status_code} {answer.text[:200]}")
                times.append((time.perf_counter() - began) * 1000)
                if think:
                    await asyncio.sleep(pause.uniform(0.5 * think, 1.5 * think))

        began = time.monotonic()
        await asyncio.gather(*(session(u, s) for u, s in zip(people, secrets, strict=True)))
        return times, time.monotonic() - began, failed[0]


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


async def measure(
    base: str, people: Sequence[User], seconds: float, think: float
) -> dict[str, tuple[float, ...]]:
    secrets = await tokens(base, people)
    for page in PAGES:  # a first look at every page: the workers' caches and connections
        await drive(base, people, secrets, page, 1.0, 0.0)
    out: dict[str, tuple[float, ...]] = {}
    for page in PAGES:
        times, spent, failed = await drive(base, people, secrets, page, seconds, think)
        out[page] = (len(times), len(times) / spent, pct(times, 50), pct(times, 95), failed)
    return out


def report(figures: dict[str, tuple[float, ...]]) -> None:
    base = figures["baseline (static asset)"]
    print(f"{'page':26} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} "
          f"{'p95/base':>8} {'req/s ratio':>11} {'errors':>6}  "
          f"target p95 < {TARGET_MS:.0f} ms")  # fmt: skip
    for page, (n, rate, p50, p95, failed) in figures.items():
        verdict = "" if page.startswith("baseline") else ("ok" if p95 < TARGET_MS else "SLOW")
        print(f"{page:26} {n:8.0f} {rate:7.1f} {p50:7.1f} {p95:7.1f} {p95 / base[3]:8.1f} "
              f"{rate / base[1]:11.2f} {failed:6.0f}  {verdict}")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", default=DEFAULT_URL, help="a PostgreSQL server (any database)")
    ap.add_argument("--sessions", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--think", type=float, default=1.0, help="a user's mean think time, s")
    ap.add_argument("--until", default="2020-12-31", help="a partial demo year, for a quick try")
    ap.add_argument("--rebuild", action="store_true")
    args = ap.parse_args()
    os.environ.setdefault("CASEWORK_KEY", BENCH_KEY)
    url = demo_database(args.url, args.until, args.rebuild)
    people = users(url, args.sessions)
    server, base = serve(url, args.workers)
    try:
        print(
            f"{len(people)} sessions, {args.workers} workers, {args.seconds:g} s a page, "
            f"think time {args.think:g} s, on {base}"
        )
        report(asyncio.run(measure(base, people, args.seconds, args.think)))
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
