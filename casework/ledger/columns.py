"""Which ledger column holds what: the documented headers, and a file's own renamed by --map."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from casework.errors import InvalidData
from workflows.spec import Workflow

# Headers every procedure's ledger may use, each with the target it fills. Where several
# headers fill one target, the first one listed that a row fills wins (登记时间 over 登记日期).
COMMON: dict[str, str] = {
    "台账编号": "ref",
    "案件编号": "ref",
    "编号": "ref",
    # An export's codes before its labels: a label may be reworded, a code stays.
    "类型代码": "kind",
    "案件类型": "kind",
    "单位": "office",
    "司法所": "office",
    "承办单位": "office",
    "登记单位": "office",
    "案件标题": "title",
    "标题": "title",
    "纠纷简要情况": "title",
    "事由": "title",
    "登记时间": "registered_at",
    "登记日期": "registered_at",
    "申请日期": "registered_at",
    "当事人": "parties",
    "身份证号": "id_numbers",
    "联系电话": "phones",
    "状态代码": "state",
    "状态": "state",
    "办理经过": "history",
    "案件数据": "data",
    "卷宗材料": "documents",
    "备注": "note",
    "承办人": "handler",
}
# The English names a --map file may use instead of a documented header.
TARGETS = (
    "ref",
    "kind",
    "office",
    "title",
    "registered_at",
    "parties",
    "id_numbers",
    "phones",
    "state",
    "history",
    "data",
    "documents",
    "note",
    "handler",
)
REQUIRED = ("title", "registered_at")
# The header named in an error about a target the file has no column for.
HEADER_OF = {target: header for header, target in reversed(COMMON.items())} | {
    "kind": "案件类型",
    "state": "状态",
}


def known_headers(wf: Workflow) -> dict[str, tuple[str, ...]]:
    """Every header casework reads for a procedure: header -> the targets it fills.

    Registration values are found by their Chinese label (纠纷类型 -> ``field:dispute_type``);
    a ledger step's columns are targets of their own (``col:受理日期``), beside whatever else
    the header fills. The procedure's own headers (``ledger_headers``) come first.
    """
    out: dict[str, tuple[str, ...]] = dict(wf.ledger_headers)
    for header, target in COMMON.items():
        out.setdefault(header, (target,))
    for spec in wf.register_fields:
        out.setdefault(spec.label, (f"field:{spec.name}",))
    for step in wf.ledger:
        for header in step.headers:
            targets = out.get(header, ())
            if f"col:{header}" not in targets:
                out[header] = (*targets, f"col:{header}")
    return out


def load_map(path: str | None) -> dict[str, str]:
    """A map file: a JSON object from the file's headers to documented headers (or '')."""
    if path is None:
        return {}
    if not os.path.isfile(path):
        raise InvalidData(f"列名对照文件 {path[:200]!r} 不存在或不可读", field="map", value=path)
    try:
        with open(path, encoding="utf-8-sig") as fh:
            data = json.load(fh)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidData(
            f"列名对照文件 {path[:200]!r} 不是 JSON 对象 (not a JSON object)：{exc}", field="map"
        ) from None
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise InvalidData(
            f"列名对照文件 {path[:200]!r} 须为列名到列名的 JSON 对象，"
            '如 {"答复时间": "答复日期"}',
            field="map",
        )
    return {k.strip(): v.strip() for k, v in data.items()}


@dataclass(frozen=True)
class Layout:
    """Where each target is in a file's rows: target -> column indexes in priority order."""

    columns: Mapping[str, tuple[int, ...]]
    header: tuple[str, ...]
    unused: tuple[str, ...]

    def get(self, cells: Sequence[str], target: str) -> tuple[str, str]:
        """The first filled cell of a target, with its header; ('', header) when empty."""
        idxs = self.columns.get(target)
        if idxs is None:
            return "", HEADER_OF.get(target, target.removeprefix("col:"))
        for i in idxs:
            if i < len(cells):
                value = cells[i].strip()
                if value:
                    return value, self.header[i]
        return "", self.header[idxs[0]]

    def has(self, target: str) -> bool:
        return target in self.columns


def _plain(header: str) -> str:
    """A header as matched: full-width brackets as ASCII (涉及金额（元） is 涉及金额(元))."""
    return header.strip().replace("（", "(").replace("）", ")")


def recognised(wf: Workflow, header: Sequence[str], renames: Mapping[str, str]) -> int:
    """How many cells of a row are headers casework reads (a title row has none)."""
    known = {_plain(h) for h, t in known_headers(wf).items() if t} | set(TARGETS)
    return sum(1 for raw in header if _plain(renames.get(raw, raw)) in known)


def layout(wf: Workflow, header: Sequence[str], renames: Mapping[str, str]) -> Layout:
    """Match a file's header to targets, or refuse naming what is missing or ambiguous."""
    known = {_plain(h): t for h, t in known_headers(wf).items() if t}
    by_english = {t: (t,) for t in TARGETS}
    order = {h: i for i, h in enumerate(known)}
    found: dict[str, list[tuple[int, int]]] = {}
    unused: list[str] = []
    for name in renames:
        if name not in header:
            raise InvalidData(
                f"列名对照中的列 {name[:40]!r} 不在文件中 (the file has no such column)",
                field="map",
                value=name[:40],
            )
    taken: dict[str, str] = {}
    for i, raw in enumerate(header):
        name = _plain(renames.get(raw, raw))
        if raw in renames and renames[raw] == "":
            unused.append(raw)
            continue
        if name in taken and (name in known or name in by_english):
            raise InvalidData(
                f"列 {taken[name][:40]!r} 与 {raw[:40]!r} 都是 {name[:40]!r} (are both "
                f"{name[:40]!r})；请保留一列，或用列名对照改名",
                field="map",
                value=raw[:40],
            )
        taken[name] = raw
        if name in known:
            targets, rank = known[name], order[name]
        elif name in by_english:
            targets, rank = by_english[name], -1
        else:
            if raw in renames:
                raise InvalidData(
                    f"列名对照把列 {raw[:40]!r} 改为 {name[:40]!r}，但「{wf.label} {wf.name}」"
                    "台账不读取该列（可读的列名见导入说明 docs/import.md）",
                    field="map",
                    value=raw[:40],
                )
            if raw:
                unused.append(raw)
            continue
        for target in targets:
            # A header that is the title only besides another value (a 12345 order's 诉求内容)
            # is the title only when no title column is filled (an export's 案件标题).
            fallback = target == "title" and len(targets) > 1
            found.setdefault(target, []).append((rank + len(order) if fallback else rank, i))
    missing = [t for t in REQUIRED if t not in found]
    if missing:
        own = {t: h for h, ts in reversed(list(wf.ledger_headers.items())) for t in ts}
        raise InvalidData(
            "台账缺少列 (the ledger has no column for) "
            + "、".join(f"{own.get(t, HEADER_OF[t])} ({t})" for t in missing)
            + "；可用列名对照改名",
            field="file",
        )
    columns = {t: tuple(i for _, i in sorted(v)) for t, v in found.items()}
    return Layout(columns, tuple(header), tuple(unused))
