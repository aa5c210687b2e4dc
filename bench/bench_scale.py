"""Every read of a city's ten years, timed and weighed at 1,000,000 cases and at 100,000.

    python bench/bench_scale.py [--cases 1000000] [--small 100000] [--dir DIR] [--rebuild]
                                [--only NAME ...] [--repeat 1]

Builds (or reuses, from ``--dir``, keyed by size) two SQLite databases through casework's own
import fast path (``casework import``, the ledger importer, in a child process): ledgers of
mediations (人民调解) and petitions (信访事项) written over ten years at ``--per-year`` cases
a year (2016-2025; the small database holds 2025 alone), with real steps: most cases ended
(mediations agreed, performed, followed up and archived; petitions accepted, replied,
delivered, evaluated and closed), the last weeks' still running, and a few in every year left
open past their limit. Hashes, chains and ID check digits are real: ``audit verify`` passes.

Then each read runs in a fresh child process (``--child``, under ``/usr/bin/time -v``): the
time of the call itself (a fresh ``Casework``, its first call: nothing is warm), the whole
process's wall time (start-up included) and its peak resident memory:

- ``due``: what falls due within 7 days and what is late, today;
- ``overdue``: ``case list --overdue`` (its first 50);
- ``list``: ``case list`` (its first 50), and ``list_all``: every case, streamed (``--all``);
- ``list_town``: a town's mediator's ``case list`` (its first 50: its own cases and those
  assigned to it);
- ``search``: a search by a party's name (first page);
- ``stats_year``: the year's statistics by office; ``stats_quarter``: a quarter's;
- ``report``: ``report annual`` for the last year, dated the bench's today (its default date,
  24 December, comes before the import recorded any case: the report would be of nothing);
- ``export``: every case to CSV; ``export_year``: the last year to XLSX;
- ``verify``: ``audit verify``.

Targets (issue 18): each read under 1 s at 1,000,000 cases except ``export``, ``list_all``
and ``verify``, which stream: memory flat (under 150 MB) and time linear in the cases (at
most 1.3 times the ratio of the cases).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

NOW = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)
TODAY = date(2026, 1, 5)
LAST_YEAR = 2025
OFFICES = [
    "panzhou", "shanmei", "baoguang", "shizailing", "jinshan", "xieji", "xindong", "yuntan",
    "fenjie", "genzi", "sishui", "zhenjiang", "shatian", "nantang", "hehua", "shiban", "dajing",
    "tantou", "dapo", "pingshan", "shenzhenzhen", "magui", "guding", "caojiang", "hetang",
    "shigu", "dongan", "changpo",
]  # fmt: skip
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰辉建国志红梅亮"
TYPES = ["邻里", "婚姻家庭", "土地山林", "合同", "劳动", "损害赔偿", "其他"]
MEDIATION_HEADER = [
    "登记日期", "案件标题", "当事人", "身份证号", "联系电话", "纠纷类型", "单位", "受理日期",
    "调解员", "调解结果", "结案日期", "协议形式", "履行情况", "履行日期", "回访日期", "满意度",
    "归档日期", "卷宗材料",
]  # fmt: skip
MEDIATION_FILE = "申请书或受理登记表；权利义务告知书；调解笔录；调解协议书；回访记录"
PETITION_HEADER = [
    "登记日期", "案件标题", "当事人", "信访形式", "受理日期", "告知方式", "答复日期", "处理意见",
    "送达日期", "送达方式", "评价日期", "评价结果", "评价方式", "办结日期", "承办人", "单位",
    "卷宗材料",
]  # fmt: skip
PETITION_OPEN = "来访来电登记表；受理告知书"
PETITION_FILE = "来访来电登记表；受理告知书；信访处理意见书；送达回证或凭证"
# A petition's share of the cases (the rest are mediations).
PETITIONS = 0.3
# The share of a year's cases left open past their limit (超期), and the days before today
# whose cases are still running.
STUCK = 0.002
RECENT_DAYS = 50


def name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)


def id_number(rng: random.Random) -> str:
    from casework.domain.identity import id_check_digit

    born = date(1950, 1, 1) + timedelta(days=rng.randrange(20000))
    first17 = f"440981{born:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + id_check_digit(first17)


def days_of(first: date, last: date, n: int, rng: random.Random) -> Iterator[date]:
    span = (last - first).days + 1
    for i in range(n):
        yield first + timedelta(days=(i * span) // n)


def mediation_row(day: date, office: str, i: int, rng: random.Random) -> list[str]:
    a, b = name(rng), name(rng)
    head = [day.isoformat(), f"{rng.choice(TYPES)}纠纷{i}", f"{a}、{b}", id_number(rng)]
    head += [f"138{rng.randrange(10**8):08d}", rng.choice(TYPES), office]
    age = (TODAY - day).days
    mediator = f"med_{office}"
    if age < 5:
        return head + [""] * 11
    if age < RECENT_DAYS or rng.random() < STUCK:
        return head + [(day + timedelta(days=1)).isoformat(), mediator] + [""] * 9
    agreed, performed = day + timedelta(days=12), day + timedelta(days=25)
    follow, archived = day + timedelta(days=35), day + timedelta(days=40)
    return [
        *head, (day + timedelta(days=1)).isoformat(), mediator, "成功", agreed.isoformat(), "书面",
        "已履行", performed.isoformat(), follow.isoformat(), "满意", archived.isoformat(),
        MEDIATION_FILE,
    ]  # fmt: skip


def petition_row(day: date, office: str, i: int, rng: random.Random) -> list[str]:
    head = [day.isoformat(), f"信访事项{i}", name(rng), rng.choice(["来访", "来信", "来电"])]
    handler = f"sup_{office}"
    age = (TODAY - day).days
    accepted = (day + timedelta(days=2)).isoformat()
    if age < 5:
        return head + [""] * 10 + [handler, office, "来访来电登记表"]
    if age < RECENT_DAYS or rng.random() < STUCK:
        return head + [accepted, "邮寄"] + [""] * 8 + [handler, office, PETITION_OPEN]
    step = [day + timedelta(days=d) for d in (40, 41, 42, 45)]
    return [
        *head, accepted, "邮寄", step[0].isoformat(), "支持", step[1].isoformat(), "当面送达",
        step[2].isoformat(), "满意", "电话", step[3].isoformat(), handler, office, PETITION_FILE,
    ]  # fmt: skip


def write_ledgers(folder: str, cases: int, per_year: int, seed: int) -> dict[str, str]:
    """Two CSV ledgers (mediation, petition) of ``cases`` rows in all, the last years' first."""
    rng = random.Random(seed)
    years = max(1, cases // per_year)
    per_year = min(per_year, cases)
    paths = {k: os.path.join(folder, f"{k}-{cases}.csv") for k in ("mediation", "petition")}
    with (
        open(paths["mediation"], "w", encoding="utf-8", newline="") as m_fh,
        open(paths["petition"], "w", encoding="utf-8", newline="") as p_fh,
    ):
        m_out, p_out = csv.writer(m_fh), csv.writer(p_fh)
        m_out.writerow(MEDIATION_HEADER)
        p_out.writerow(PETITION_HEADER)
        i = 0
        for year in range(LAST_YEAR - years + 1, LAST_YEAR + 1):
            first, last = date(year, 1, 1), min(date(year, 12, 31), TODAY - timedelta(days=1))
            for day in days_of(first, last, per_year, rng):
                office = OFFICES[rng.randrange(len(OFFICES))]
                if rng.random() < PETITIONS:
                    p_out.writerow(petition_row(day, office, i, rng))
                else:
                    m_out.writerow(mediation_row(day, office, i, rng))
                i += 1
    return paths


def cli(db: str, *args: str) -> subprocess.CompletedProcess[str]:
    exe = os.path.join(os.path.dirname(sys.executable), "casework")
    env = {**os.environ, "CASEWORK_DB": db, "CASEWORK_NOW": NOW.isoformat()}
    return subprocess.run([exe, *args], env=env, capture_output=True, text=True, check=False)


def build(path: str, cases: int, per_year: int, seed: int) -> None:
    from casework.api import Casework
    from casework.clock import fixed_clock

    folder = os.path.dirname(path)
    cw = Casework.initialise(path, offices="gaozhou", clock=fixed_clock(NOW))
    admin = cw.acting("admin")
    admin.add_user("importer", "导入员", "supervisor", "city-justice")
    for office in OFFICES:
        admin.add_user(f"med_{office}", f"{office}调解员", "mediator", office)
        admin.add_user(f"sup_{office}", f"{office}所长", "supervisor", office)
    cw.close()
    started = time.perf_counter()
    ledgers = write_ledgers(folder, cases, per_year, seed)
    print(f"  ledgers written in {time.perf_counter() - started:.0f} s", flush=True)
    for kind, ledger in ledgers.items():
        started = time.perf_counter()
        done = cli(path, "--as", "importer", "import", kind, ledger, "--json")
        if done.returncode != 0:
            raise SystemExit(f"import {kind} failed: {done.stderr[-3000:]}")
        summary = json.loads(done.stdout)
        took = time.perf_counter() - started
        print(f"  {kind}: {summary['imported']:,} rows imported in {took:.0f} s", flush=True)
        os.unlink(ledger)
    # The import marks its cases for the statistics roll-ups; ``init`` computes them (else the
    # first statistics would).
    started = time.perf_counter()
    done = cli(path, "init")
    if done.returncode != 0:
        raise SystemExit(f"init failed: {done.stderr[-3000:]}")
    print(f"  roll-ups computed by init in {time.perf_counter() - started:.0f} s", flush=True)


def prepared(folder: str, cases: int, per_year: int, seed: int, rebuild: bool) -> str:
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"scale-{cases}-{per_year}-{seed}.db")
    if rebuild or not os.path.exists(path):
        for suffix in ("", "-wal", "-shm", ".key"):
            if os.path.exists(path + suffix):
                os.unlink(path + suffix)
        print(f"building {cases:,} cases in {path} ...", flush=True)
        # Built under another name and renamed once whole: a build that fails or is stopped
        # leaves no database a later run would take for a cached one.
        building = path + ".building"
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(building + suffix):
                os.unlink(building + suffix)
        build(building, cases, per_year, seed)
        with contextlib.closing(sqlite3.connect(building)) as db:  # nothing left in a -wal
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        os.replace(building, path)
    else:
        cli(path, "init")  # a cached database brought to this checkout's schema head
    return path


# -- the reads, each in a child process ------------------------------------------------------


def reads(out: str) -> dict[str, Callable[[Any], object]]:
    from casework.read.search import SearchFilter

    year = (f"{LAST_YEAR}-01-01", f"{LAST_YEAR}-12-31")
    return {
        "due": lambda cw: len(cw.due(within=7)),
        "overdue": lambda cw: len(cw.cases(overdue=True, limit=50)),
        "list": lambda cw: len(cw.cases(limit=50)),
        "list_town": lambda cw: len(cw.acting(f"med_{OFFICES[0]}").cases(limit=50)),
        "list_all": lambda cw: sum(1 for _ in cw.each_case()),
        "search": lambda cw: cw.search(SearchFilter(party="王伟")).get("total"),
        "stats_year": lambda cw: len(cw.stats(*year, by="office")["rows"]),
        "stats_quarter": lambda cw: len(
            cw.stats(f"{LAST_YEAR}-07-01", f"{LAST_YEAR}-09-30", by="office")["rows"]
        ),
        "report": lambda cw: len(cw.report_annual(LAST_YEAR, TODAY)["rows"]),
        "export": lambda cw: cw.export_cases(out + ".csv", force=True)["rows"],
        "export_year": lambda cw: cw.export_cases(out + ".xlsx", None, *year, force=True)["rows"],
        "verify": lambda cw: cw.verify()["cases"],
    }


def child(read: str, db: str) -> None:
    from casework.api import Casework
    from casework.clock import fixed_clock

    cw = Casework(db, clock=fixed_clock(NOW)).acting("admin")
    run = reads(db + ".out")[read]
    started, cpu = time.perf_counter(), time.process_time()
    found = run(cw)
    took, cpu_took = time.perf_counter() - started, time.process_time() - cpu
    print(json.dumps({"seconds": took, "cpu": cpu_took, "found": str(found)}))


def measure(read: str, db: str) -> dict[str, Any]:
    cmd = ["/usr/bin/time", "-v", sys.executable, __file__, "--child", read, "--db", db]
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-12:]}
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    assert peak is not None, done.stderr[-500:]
    return {**json.loads(done.stdout.splitlines()[-1]), "wall": wall, "rss": int(peak[1]) / 1024}


STREAMED = ("export", "export_year", "list_all", "verify")


def verdict(read: str, small: dict[str, Any], large: dict[str, Any], scale: float) -> str:
    if "error" in small or "error" in large:
        return "FAILED"
    if read in STREAMED:
        flat = large["rss"] < 150
        linear = large["seconds"] <= max(small["seconds"], 0.05) * scale * 1.3
        return "meets" if flat and linear else "MISSES"
    return "meets" if large["seconds"] < 1.0 else "MISSES"


def report(rows: dict[str, tuple[dict[str, Any], dict[str, Any]]], small: int, large: int) -> None:
    scale = large / small
    at_small, at_large = f"at {small:,}", f"at {large:,}"
    print(f"\n{'read':<14} {at_small:>26} {at_large:>26}  target")
    print(f"{'':<14} {'call s / wall s / MB':>26} {'call s / wall s / MB':>26}")
    for read, (a, b) in rows.items():

        def cell(m: dict[str, Any]) -> str:
            if "error" in m:
                return "error"
            return f"{m['seconds']:.3f} / {m['wall']:.2f} / {m['rss']:.0f}"

        target = "streams: < 150 MB, linear" if read in STREAMED else "< 1 s"
        print(f"{read:<14} {cell(a):>26} {cell(b):>26}  {verdict(read, a, b, scale)} ({target})")
        for m in (a, b):
            if "error" in m:
                print("   ", "\n    ".join(m["error"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--per-year", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--dir", default=os.path.join(tempfile.gettempdir(), "casework-scale"))
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--only", nargs="*", help="the reads to run (default: all)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.db)
        return
    print(f"load average at start: {os.getloadavg()}")
    small = prepared(args.dir, args.small, args.per_year, args.seed, args.rebuild)
    large = prepared(args.dir, args.cases, args.per_year, args.seed, args.rebuild)
    wanted = args.only or list(reads(""))
    rows = {read: (measure(read, small), measure(read, large)) for read in wanted}
    report(rows, args.small, args.cases)
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
