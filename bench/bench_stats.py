"""Statistics by office for a month, a quarter and a year on a large database against the
same on a database ten times smaller, in one run.

    python bench/bench_stats.py [--cases 1000000] [--small 100000] [--repeat 3]
        [--period 2020-06,2020-Q2,2020] [--rebuild] [--plans]

Builds (or reuses, from a cache directory keyed by size) two SQLite databases: the schema by
casework's own ``Casework.initialise``, then cases, events, parties, case links, case counters
and screenings bulk-inserted with raw ``sqlite3.executemany``. Every case follows its procedure
with real trigger and state names (workflows/*.py): petitions registered, accepted (or refused,
forwarded), extended, replied (some late), reviewed, re-reviewed, closed; mediations accepted,
agreed or failed, performed, followed up, archived; subsidy claims drafted for the quarter a
mediation was archived in, checked, approved with a tier of the example scale and paid; major
disputes assigned, planned, resolved, verified. This is a read benchmark: event hashes, chain
heads and ID numbers are dummies (``casework audit verify`` would reject these databases), and
no documents are stored.

Both databases have the same activity per month (``--per-year`` cases a year, 100,000 by
default): the large one holds ten years of it (2016-2025), the small one the year 2020. A
database grows by adding years, so an index-bound query of a period should cost about the same
on both; one that scans grows with the database.

Then, for each period of ``--period`` (a month, a quarter and a year of 2020 by default),
``Casework.stats(start, end, by="office")`` is timed:

- cold: in a fresh process (its imports done before the clock starts), a fresh ``Casework``'s
  first call, on each database;
- warm: ``--repeat`` turns on each database taken in turn (small, large, small, ...; bench/runs.py)
  after an untimed first turn each, reported as median [lowest..highest];

with the ratio large/small by turn pair, the targets (< 1 s on the large one, at most 3x the
small one), the machine's load average, and the query plan (SQLite EXPLAIN QUERY PLAN) of the
statements the statistics executed (each distinct plan once; all with ``--plans``), flagging any
full scan of cases, events or parties and any index search on them bounded neither by a date nor
by the case.

The cache (``--dir``, a folder in the temp directory) is keyed by size, cases a year and seed,
not by this script's content: pass ``--rebuild`` after changing the generator. A cached database
is upgraded to this checkout's schema head (new indexes included) before it is measured.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from runs import Timed, interleaved
from sqlalchemy import event

from casework.api import Casework
from casework.clock import fixed_clock

NOW = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)
DUMMY_HASH = "0" * 64
TOWNS = [
    "panzhou", "shanmei", "baoguang", "shizailing", "jinshan", "xieji", "xindong", "yuntan",
    "fenjie", "genzi", "sishui", "zhenjiang", "shatian", "nantang", "hehua", "shiban", "dajing",
    "tantou", "dapo", "pingshan", "shenzhenzhen", "magui", "guding", "caojiang", "hetang",
    "shigu", "dongan", "changpo",
]  # fmt: skip
# Subdistricts and big towns see more cases.
TOWN_WEIGHTS = [3.0 if i < 5 else 1.5 if i < 12 else 1.0 for i in range(len(TOWNS))]
PREFIX = {"petition": "XF", "mediation": "TJ", "major_dispute": "BA", "subsidy_claim": "BZ"}
BIG_TABLES = ("cases", "events", "parties", "case_links", "documents")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐"
TIERS = (("simple", 100), ("ordinary", 200), ("complex", 500), ("major", 1000))


# -- building a database ---------------------------------------------------------------------


def span_for(cases: int, per_year: int) -> tuple[int, int]:
    """The years a database of this size covers at ``per_year`` cases a year, with 2020 in."""
    years = max(1, math.ceil(cases / per_year))
    first = 2020 - (years - 1) * 4 // 9
    return first, first + years - 1


def at(day: date, rng: random.Random) -> str:
    """An instant during office hours (09:00-16:59 local, 01:00-08:59 UTC) of a local day."""
    return f"{day.isoformat()} 0{rng.randint(1, 8)}:{rng.randint(0, 59):02d}:00.000000"


def recorded(stamp: str) -> str:
    """Recorded within the hour (same UTC day: office hours end before 09:00 UTC)."""
    return stamp[:11] + f"{int(stamp[11:13]) + 1:02d}" + stamp[13:]


class Builder:
    """Generates cases in registration order and writes them in batches."""

    def __init__(self, conn: sqlite3.Connection, rng: random.Random, last_day: date) -> None:
        self.conn = conn
        self.rng = rng
        self.last_day = last_day
        self.next_id = 1
        self.counters: dict[tuple[str, str, int], int] = {}
        self.case_rows: list[tuple[Any, ...]] = []
        self.event_rows: list[tuple[Any, ...]] = []
        self.party_rows: list[tuple[Any, ...]] = []
        self.link_rows: list[tuple[Any, ...]] = []
        self.totals = {"cases": 0, "events": 0, "parties": 0}
        # archived mediations eligible for a subsidy claim: (case_no, id, office, archived on)
        self.eligible: list[tuple[str, int, str, date]] = []

    def case(
        self,
        kind: str,
        office: str,
        registered: date,
        steps: list[tuple[str, str | None, str, date, str, dict[str, Any]]],
        data: dict[str, Any],
        parties: int = 0,
        ref: str | None = None,
        year: int | None = None,
    ) -> tuple[int, str]:
        """One case and its events. ``steps``: (trigger, from, to, day, actor, event data),
        the register step first; steps after the last day of the data set are dropped.
        ``year``: the year its number carries, when not the registration's (a claim's is its
        quarter's, workflows/subsidy_claim.py ``number_year``)."""
        case_id = self.next_id
        self.next_id += 1
        key = (PREFIX[kind], office, year or registered.year)
        seq = self.counters.get(key, 0) + 1
        self.counters[key] = seq
        case_no = f"{key[0]}-{key[2]}-{office}-{seq:05d}"
        rng = self.rng
        stamp = at(registered, rng)
        state, last = steps[0][2], stamp
        n = 0
        for n, (trigger, source, dest, day, actor, values) in enumerate(steps, start=1):
            if day > self.last_day:
                n -= 1
                break
            occurred = stamp if n == 1 else at(day, rng)
            if occurred < last:  # same day, earlier hour: keep the history in order
                occurred = last
            last = occurred
            state = dest
            data.update(values)
            role = actor.split("_")[0]
            self.event_rows.append(
                (
                    case_id,
                    n,
                    trigger,
                    source,
                    dest,
                    actor,
                    role,
                    occurred,
                    day.isoformat(),
                    recorded(occurred),
                    None,
                    json.dumps(values, ensure_ascii=False),
                    DUMMY_HASH,
                )
            )
        self.case_rows.append(
            (
                case_id,
                case_no,
                kind,
                office,
                registered.year,
                seq,
                f"{kind} {case_no}",
                state,
                n,
                json.dumps(data, ensure_ascii=False),
                stamp,
                registered.isoformat(),
                recorded(stamp),
                recorded(last),
                f"clerk_{office}",
                DUMMY_HASH,
                ref,
            )
        )
        for i in range(1, parties + 1):
            self.party_rows.append(
                (
                    case_id,
                    i,
                    "applicant" if kind == "mediation" else "petitioner",
                    rng.choice(SURNAMES) + "某" + str(i),
                    f"4409811{rng.randrange(10**10):010d}X",
                    f"138{rng.randrange(10**8):08d}",
                )
            )
        self.totals["cases"] += 1
        self.totals["events"] += n
        self.totals["parties"] += parties
        if len(self.event_rows) > 200_000:
            self.flush()
        return case_id, case_no

    def flush(self) -> None:
        c = self.conn
        # The columns this generator fills, in table order (later ones, such as a screening
        # entry's id, stay empty).
        names = [r[1] for r in c.execute("PRAGMA table_info(cases)") if r[1] != "screening_id"]
        c.executemany(
            f"INSERT INTO cases ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
            self.case_rows,
        )
        c.executemany(
            "INSERT INTO events (case_id, seq, trigger, from_state, to_state, actor, actor_role, "
            "occurred_at, occurred_on, recorded_at, note, data, hash) "
            f"VALUES ({', '.join('?' * 13)})",
            self.event_rows,
        )
        c.executemany(
            "INSERT INTO parties (case_id, ord, role, name, id_number, phone) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            self.party_rows,
        )
        c.executemany(
            "INSERT INTO case_links (case_id, other_case_id, kind) VALUES (?, ?, ?)",
            self.link_rows,
        )
        for rows in (self.case_rows, self.event_rows, self.party_rows, self.link_rows):
            rows.clear()

    # -- the procedures --

    def petition(self, day: date, office: str) -> None:
        rng, sup = self.rng, f"supervisor_{office}"
        d = day
        steps: list[tuple[str, str | None, str, date, str, dict[str, Any]]] = [
            ("register", None, "registered", d, f"clerk_{office}", {"channel": _channel(rng)})
        ]
        r = rng.random()
        if r < 0.06:
            steps.append(
                (
                    "refuse",
                    "registered",
                    "not_accepted",
                    d + _days(rng, 1, 14),
                    sup,
                    {"reason": "不属于受理范围"},
                )
            )
        elif r < 0.10:
            steps.append(
                (
                    "forward",
                    "registered",
                    "forwarded",
                    d + _days(rng, 1, 14),
                    sup,
                    {"to_organ": "市信访局"},
                )
            )
        else:
            d += _days(rng, 1, 14)
            steps.append(("accept", "registered", "handling", d, sup, {}))
            if rng.random() < 0.03:
                steps.append(
                    (
                        "divert",
                        "handling",
                        "diverted",
                        d + _days(rng, 5, 40),
                        sup,
                        {"route": "litigation"},
                    )
                )
            else:
                if rng.random() < 0.08:
                    steps.append(
                        (
                            "extend",
                            "handling",
                            "handling",
                            d + _days(rng, 30, 55),
                            sup,
                            {"days": 30, "reason": "情况复杂"},
                        )
                    )
                d += _days(rng, 10, 75)  # some come after their 60 days
                outcome = rng.choice(("support", "explain", "not_support"))
                steps.append(("reply", "handling", "replied", d, sup, {"outcome": outcome}))
                if rng.random() < 0.12:
                    d += _days(rng, 3, 29)
                    steps.append(("request_review", "replied", "reviewing", d, sup, {}))
                    d += _days(rng, 5, 29)
                    steps.append(("review", "reviewing", "reviewed", d, sup, {"outcome": outcome}))
                    if rng.random() < 0.3:
                        d += _days(rng, 3, 29)
                        steps.append(("request_rereview", "reviewed", "rereviewing", d, sup, {}))
                        d += _days(rng, 5, 29)
                        steps.append(
                            ("rereview", "rereviewing", "concluded", d, sup, {"outcome": outcome})
                        )
                    else:
                        steps.append(
                            ("close", "reviewed", "closed", d + _days(rng, 1, 20), sup, {})
                        )
                else:
                    steps.append(("close", "replied", "closed", d + _days(rng, 31, 45), sup, {}))
        self.case("petition", office, day, steps, {}, parties=rng.choice((1, 1, 2)))

    def mediation(self, day: date, office: str) -> None:
        rng, med = self.rng, f"mediator_{office}"
        d = day
        steps: list[tuple[str, str | None, str, date, str, dict[str, Any]]] = [
            (
                "register",
                None,
                "applied",
                d,
                f"clerk_{office}",
                {
                    "dispute_type": rng.choice(
                        (
                            "marriage_family",
                            "neighbour",
                            "land",
                            "labour",
                            "contract",
                            "damage",
                            "traffic",
                            "other",
                        )
                    )
                },
            )
        ]
        archived = None
        if rng.random() < 0.04:
            steps.append(
                (
                    "decline",
                    "applied",
                    "declined",
                    d + _days(rng, 0, 3),
                    med,
                    {"reason": "party_refused"},
                )
            )
        else:
            d += _days(rng, 0, 3)
            steps.append(("accept", "applied", "mediating", d, med, {"mediator": med}))
            d += _days(rng, 1, 28)
            if rng.random() < 0.9:
                steps.append(("agree", "mediating", "agreed", d, med, {"form": "written"}))
                d += _days(rng, 1, 20)
                if rng.random() < 0.93:
                    steps.append(("perform", "agreed", "performed", d, med, {}))
                    last = "performed"
                else:
                    steps.append(("breach", "agreed", "breached", d, med, {}))
                    last = "breached"
            else:
                steps.append(("fail", "mediating", "failed", d, med, {"routes_told": "yes"}))
                last = "failed"
            d += _days(rng, 3, 20)
            steps.append(("follow_up", last, last, d, med, {"satisfaction": "satisfied"}))
            d += _days(rng, 1, 15)
            steps.append(("archive", last, "archived", d, f"supervisor_{office}", {}))
            if last == "performed":
                archived = d
        case_id, case_no = self.case("mediation", office, day, steps, {}, parties=2)
        if archived is not None and archived <= self.last_day:
            self.eligible.append((case_no, case_id, office, archived))

    def major_dispute(self, day: date, office: str) -> None:
        rng, d = self.rng, day
        steps: list[tuple[str, str | None, str, date, str, dict[str, Any]]] = [
            ("register", None, "identified", d, f"clerk_{office}", {})
        ]
        d += _days(rng, 1, 10)
        steps.append(
            (
                "assign",
                "identified",
                "assigned",
                d,
                "supervisor_city",
                {"leader": "leader_city", "unit": "责任单位", "due_days": 90},
            )
        )
        d += _days(rng, 3, 20)
        steps.append(("plan", "assigned", "resolving", d, "leader_city", {"plan": "化解方案"}))
        if rng.random() < 0.7:
            d += _days(rng, 10, 100)
            steps.append(
                ("resolve", "resolving", "resolved", d, "leader_city", {"outcome": "已化解"})
            )
            d += _days(rng, 5, 30)
            steps.append(("verify", "resolved", "closed", d, "supervisor_city", {}))
        self.case("major_dispute", office, day, steps, {})

    def claim(self, mediation: tuple[str, int, str, date]) -> None:
        rng = self.rng
        case_no, mediation_id, office, archived = mediation
        q = (archived.month - 1) // 3
        quarter = f"{archived.year}Q{q + 1}"
        quarter_end = date(archived.year + (q == 3), 1 if q == 3 else 3 * q + 4, 1)
        d = quarter_end + _days(rng, 3, 15)
        if d > self.last_day:
            return
        tier, amount = rng.choices(TIERS, weights=(5, 3, 1, 0.2))[0]
        steps: list[tuple[str, str | None, str, date, str, dict[str, Any]]] = [
            (
                "register",
                None,
                "drafted",
                d,
                f"clerk_{office}",
                {"mediation_case": case_no, "quarter": quarter, "mediator": f"mediator_{office}"},
            ),
        ]
        d += _days(rng, 1, 10)
        steps.append(("check", "drafted", "town_checked", d, f"supervisor_{office}", {}))
        d += _days(rng, 5, 20)
        if rng.random() < 0.03:
            steps.append(
                ("reject", "town_checked", "rejected", d, "supervisor_city", {"reason": "材料不全"})
            )
        else:
            steps.append(
                (
                    "approve",
                    "town_checked",
                    "approved",
                    d,
                    "supervisor_city",
                    {"tier": tier, "amount": amount, "scale_from": "2011-01-01"},
                )
            )
            steps.append(
                (
                    "pay",
                    "approved",
                    "paid",
                    d + _days(rng, 10, 40),
                    "admin",
                    {"batch": f"{quarter}-1"},
                )
            )
        claim_id, _ = self.case(
            "subsidy_claim",
            office,
            steps[0][3],
            steps,
            {},
            ref=f"{case_no}@{quarter}",
            year=archived.year,
        )
        self.link_rows.append((claim_id, mediation_id, "origin"))
        self.link_rows.append((mediation_id, claim_id, "successor"))


def _days(rng: random.Random, low: int, high: int) -> timedelta:
    return timedelta(days=rng.randint(low, high))


def _channel(rng: random.Random) -> str:
    return rng.choices(("letter", "visit", "phone", "online"), weights=(3, 4, 2, 3))[0]


def registration_days(rng: random.Random, n: int, first: date, last: date) -> Iterator[date]:
    """``n`` registration days in order over [first, last], more around the Spring Festival and
    fewer on weekends."""
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    weights = [
        (1.3 if d.month in (1, 2) else 0.9 if d.month in (7, 8) else 1.0)
        * (0.4 if d.weekday() >= 5 else 1.0)
        for d in days
    ]
    total = sum(weights)
    carry = 0.0
    produced = 0
    for d, w in zip(days, weights, strict=True):
        carry += n * w / total
        count = int(carry) - produced if d != last else n - produced
        produced += count
        yield from [d] * count


def build(path: str, cases: int, per_year: int, seed: int) -> dict[str, Any]:
    started = time.perf_counter()
    first_year, last_year = span_for(cases, per_year)
    first, last = date(first_year, 1, 1), date(last_year, 12, 31)
    cw = Casework.initialise(path, offices="gaozhou", clock=fixed_clock(NOW))
    cw.close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-1000000")
    # Indexes are dropped for the load and made again at the end, as a bulk load would.
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({', '.join(repr(t) for t in BIG_TABLES)})"
    ).fetchall()
    conn.execute("BEGIN")
    for name, _ in indexes:
        conn.execute(f"DROP INDEX {name}")
    rng = random.Random(seed)
    b = Builder(conn, rng, last)
    claims = round(cases * 0.2)
    towns = rng.choices(TOWNS, weights=TOWN_WEIGHTS, k=cases)
    for n, day in enumerate(registration_days(rng, cases - claims, first, last)):
        r = rng.random()
        if r < 0.52:
            b.mediation(day, towns[n])
        elif r < 0.99:
            b.petition(day, towns[n] if rng.random() < 0.85 else "city-petition")
        else:
            b.major_dispute(day, towns[n] if rng.random() < 0.7 else "city-rule-of-law")
    # Claims for archived mediations, drafted after their quarter, in drafting order.
    eligible = [m for m in b.eligible if m[3] + timedelta(days=110) <= last]  # drafted in time
    chosen = rng.sample(eligible, min(claims, len(eligible)))
    for mediation in sorted(chosen, key=lambda m: m[3]):
        b.claim(mediation)
    b.flush()
    conn.executemany(
        "INSERT INTO case_counters VALUES (?, ?, ?, ?)",
        [(*key, seq) for key, seq in b.counters.items()],
    )
    screenings = []
    for year in range(first_year, last_year + 1):
        for _ in range(max(1, per_year // 150)):
            day = date(year, 1, 1) + timedelta(days=rng.randrange(365))
            office = rng.choices(TOWNS, weights=TOWN_WEIGHTS)[0]
            special = rng.random() < 0.2
            found = rng.randint(0, 4)
            stamp = at(day, rng)
            screenings.append(
                (
                    office,
                    day.isoformat(),
                    "special" if special else "routine",
                    "专项排查" if special else None,
                    found,
                    rng.randint(0, found),
                    None,
                    f"clerk_{office}",
                    recorded(stamp),
                )
            )
    conn.executemany(
        "INSERT INTO screenings (office_code, day, kind, campaign, found, prevented, note, "
        "recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        screenings,
    )
    for _, sql in indexes:
        conn.execute(sql)
    conn.execute("COMMIT")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.close()
    return {
        **b.totals,
        "screenings": len(screenings),
        "years": f"{first_year}-{last_year}",
        "seconds": round(time.perf_counter() - started, 1),
    }


def prepared(folder: str, cases: int, per_year: int, seed: int, rebuild: bool) -> str:
    """The cached database of this size, built if missing (or asked to), upgraded to the
    schema head of this checkout (which adds any new index)."""
    path = os.path.join(folder, f"stats-{cases}-{per_year}-{seed}.db")
    if rebuild or not os.path.exists(path):
        for suffix in ("", "-wal", "-shm", ".part", ".part-wal", ".part-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
        print(f"building {cases:,} cases into {path} ...", flush=True)
        summary = build(path + ".part", cases, per_year, seed)
        os.replace(path + ".part", path)
        print(
            f"  {summary['cases']:,} cases, {summary['events']:,} events, "
            f"{summary['parties']:,} parties, {summary['screenings']:,} screenings over "
            f"{summary['years']} in {summary['seconds']} s",
            flush=True,
        )
    Casework.initialise(path, offices="gaozhou", clock=fixed_clock(NOW)).close()
    return path


# -- measuring -------------------------------------------------------------------------------


def period_of(text: str) -> tuple[str, date, date]:
    """A period as written (``2020-06`` a month, ``2020-Q2`` a quarter, ``2020`` a year): its
    name, first day and last day."""
    if re.fullmatch(r"\d{4}", text):
        year = int(text)
        return text, date(year, 1, 1), date(year, 12, 31)
    quarter = re.fullmatch(r"(\d{4})-?Q([1-4])", text)
    if quarter:
        year, n = int(quarter.group(1)), int(quarter.group(2))
        first = date(year, 3 * n - 2, 1)
        return text, first, (first + timedelta(days=95)).replace(day=1) - timedelta(days=1)
    year, month = map(int, text.split("-"))
    first = date(year, month, 1)
    return text, first, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)


COLD = """
import sys, time
from casework.api import Casework
began, cpu = time.perf_counter(), time.process_time()
cw = Casework(sys.argv[1])
cw.stats(sys.argv[2], sys.argv[3], by="office")
print(time.perf_counter() - began, time.process_time() - cpu)
"""


def cold(path: str, start: date, end: date) -> tuple[float, float]:
    """A fresh process's first ``stats`` on a fresh ``Casework``: the imports are done before
    the clock starts (bench_startup.py measures them), but nothing of casework's (the
    catalogue, the calendar, the connection's page cache) is warm; the files' pages may be in
    the OS cache, as after any earlier command."""
    done = subprocess.run(
        [sys.executable, "-c", COLD, path, start.isoformat(), end.isoformat()],
        capture_output=True,
        text=True,
        check=True,
    )
    wall, cpu = done.stdout.strip().splitlines()[-1].split()
    return float(wall), float(cpu)


def sizes_of(path: str, start: date, end: date) -> dict[str, Any]:
    cw = Casework(path)
    with cw.engine.connect() as conn:
        volume = conn.exec_driver_sql(
            "SELECT count(*) FROM events WHERE occurred_on BETWEEN ? AND ?",
            (start.isoformat(), end.isoformat()),
        ).scalar()
        totals = [conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar() for t in BIG_TABLES]
    cw.close()
    return {"events_in_period": volume, "totals": dict(zip(BIG_TABLES, totals, strict=True))}


class Side:
    """One database's ``stats`` for a period, run by ``runs.interleaved``; its first (untimed,
    warming) run records the statements executed, whose plans are printed."""

    def __init__(self, path: str, start: date, end: date) -> None:
        self.cw = Casework(path)
        self.start, self.end = start.isoformat(), end.isoformat()
        self.statements: list[tuple[str, Any]] | None = None
        self.result: dict[str, Any] = {}

    def __call__(self) -> None:
        if self.statements is not None:
            self.result = dict(self.cw.stats(self.start, self.end, by="office"))
            return
        statements: list[tuple[str, Any]] = []

        def capture(_c: Any, _cur: Any, text: str, parameters: Any, _ctx: Any, _m: Any) -> None:
            statements.append((text, parameters))

        event.listen(self.cw.engine, "before_cursor_execute", capture)
        self.result = dict(self.cw.stats(self.start, self.end, by="office"))
        event.remove(self.cw.engine, "before_cursor_execute", capture)
        self.statements = statements

    def plans(self) -> list[tuple[str, list[str]]]:
        out = []
        with self.cw.engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            assert raw is not None
            for statement, parameters in self.statements or []:
                rows = raw.execute("EXPLAIN QUERY PLAN " + statement, parameters).fetchall()
                out.append((statement, [r[-1] for r in rows]))
        return out


BIG = "|".join((*BIG_TABLES, "earlier"))
FULL_SCAN = re.compile(rf"^SCAN ({BIG})(_\d+)?\b")
SEARCH = re.compile(rf"^SEARCH ({BIG})(_\d+)? USING .*\((?P<terms>.*)\)$")
BOUNDED = re.compile(r"\b(rowid|case_id|case_no|screening_id|occurred_on|registered_on)[=<>]")


def unbounded(plans: list[tuple[str, list[str]]]) -> list[str]:
    """Every full scan of a big table (or of all of one of its indexes), and every index search
    on one bounded neither by a date range nor by the case (as tests/integration/test_stats_plans.py
    checks)."""
    bad = []
    for _, lines in plans:
        for line in lines:
            found = SEARCH.match(line)
            if FULL_SCAN.match(line) or (found and not BOUNDED.search(found.group("terms"))):
                bad.append(line)
    return bad


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} CPUs)"


def print_plans(plans: list[tuple[str, list[str]]], every: bool) -> None:
    seen: set[str] = set()
    for statement, lines in plans:
        head = " ".join(statement.split())[:110]
        key = "\n".join(lines)
        if not every and key in seen:
            continue
        seen.add(key)
        print(f"- {head}...")
        for line in lines:
            print(f"    {line}")


def cpu_spread(timed: Timed) -> str:
    """``median [low..high]`` of the CPU times, in milliseconds: on a loaded machine the wall
    times include waiting for a core, the CPU times do not."""
    low, high = min(timed.cpus) * 1000, max(timed.cpus) * 1000
    return f"{timed.cpu * 1000:,.1f} ms [{low:,.1f}..{high:,.1f}]"


def report(
    name: str, start: date, end: date, paths: dict[int, str], args: argparse.Namespace
) -> None:
    """One period on both databases: cold runs, then interleaved warm turns."""
    small, big = args.small, args.cases
    print(f"casework stats --from {start} --to {end} --by office ({name}; Python API)", flush=True)
    colds = {size: cold(path, start, end) for size, path in paths.items()}
    sides = {size: Side(path, start, end) for size, path in paths.items()}
    timed = interleaved({str(size): sides[size] for size in paths}, args.repeat)
    for size in (small, big):
        f = sizes_of(paths[size], start, end)
        t = f["totals"]
        print(
            f"  {size:>9,} cases ({t['cases']:,} cases, {t['events']:,} events, "
            f"{f['events_in_period']:,} events in the period; "
            f"{len(sides[size].statements or [])} statements, "
            f"{len(sides[size].result.get('rows', []))} offices)"
        )
        warm = timed[str(size)]
        print(
            f"      cold {colds[size][0] * 1000:8.1f} ms (CPU {colds[size][1] * 1000:,.1f} ms)   "
            f"warm {warm.spread()} of {len(warm.walls)} turns (CPU {cpu_spread(warm)})"
        )
    ratios = [b / s for s, b in zip(timed[str(small)].walls, timed[str(big)].walls, strict=True)]
    ratio = statistics.median(ratios)
    wall = timed[str(big)].wall
    print(
        f"  {big:,} cases: target < 1000 ms warm: {'met' if wall < 1 else 'NOT met'}, "
        f"cold: {'met' if colds[big][0] < 1 else 'NOT met'}"
    )
    print(
        f"  ratio large/small (by turn pair): {ratio:.2f}x [{min(ratios):.2f}..{max(ratios):.2f}]"
        f"   target <= 3x: {'met' if ratio <= 3 else 'NOT met'}"
    )
    plans = sides[big].plans()
    found = unbounded(plans)
    print(
        "  full scans, or searches bounded by neither date nor case, of cases/events/parties: "
        + ("none" if not found else f"{len(found)}: " + "; ".join(sorted(set(found))))
    )
    print(f"  {load()}")
    print(f"\n  query plans on the large database (EXPLAIN QUERY PLAN), {name}:")
    print_plans(plans, args.plans)
    print(flush=True)
    for side in sides.values():
        side.cw.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--per-year", type=int, default=100_000)
    parser.add_argument(
        "--period",
        default="2020-06,2020-Q2,2020",
        help="periods, comma-separated: a month (2020-06), a quarter (2020-Q2), a year (2020)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="warm turns of each side")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--plans", action="store_true", help="print every statement's plan")
    parser.add_argument(
        "--dir", default=os.path.join(tempfile.gettempdir(), "casework-bench-stats")
    )
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    print(load(), flush=True)
    paths = {
        size: prepared(args.dir, size, args.per_year, args.seed, args.rebuild)
        for size in (args.small, args.cases)
    }
    for text in args.period.split(","):
        report(*period_of(text.strip()), paths, args)


if __name__ == "__main__":
    main()
