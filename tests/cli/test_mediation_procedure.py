"""People's mediation through `casework case advance` (procedures/mediation.md 2.3-2.9): a
refusal is one line naming the guard, exit 1, nothing written; warnings and cascades shown."""

from __future__ import annotations

import json

from typer.testing import Result

from casework.api import Casework
from tests import mediations as M
from tests.cli.checks import error_line
from tests.helpers import Cli


def _advance(cli: Cli, user: str, case_no: str, trigger: str, *sets: str, at: str) -> Result:
    args = ["case", "advance", case_no, trigger, "--at", at]
    for given in sets:
        args += ["--set", given]
    return cli(*args, user=user)


def _events(cw: Casework, case_no: str) -> int:
    return len(cw.acting("admin").history(case_no))


def test_accept_with_one_party_is_refused_naming_two_sides(cli: Cli, cw: Casework) -> None:
    case_no = M.register(cw, "2020-03-02", parties=["applicant:甲某"])
    before = _events(cw, case_no)
    result = _advance(cli, M.MED, case_no, "受理", "mediator=med_pz", at="2020-03-02")
    line = error_line(result)
    assert "two_sides" in line and "被申请人 0 人" in line
    assert _events(cw, case_no) == before


def test_agree_by_a_mediator_not_on_the_case_is_refused(cli: Cli, cw: Casework) -> None:
    case_no = M.accepted(cw, "2020-03-02")
    sets = ("form=written", "amount=0", "performance=on_the_spot")
    result = _advance(cli, M.MED2, case_no, "agree", *sets, at="2020-03-03")
    line = error_line(result)
    assert "agreed_by_on_case" in line and "med2_pz 不在本案" in line


def test_on_the_spot_shows_the_case_performed(cli: Cli, cw: Casework) -> None:
    case_no = M.accepted(cw, "2020-03-02")
    sets = ("form=written", "amount=1200", "performance=当场履行")
    args = ["case", "advance", case_no, "agree", "--at", "2020-03-03", "--json"]
    for given in sets:
        args += ["--set", given]
    out = json.loads(cli(*args, user=M.MED).stdout)
    assert (out["state"], out["event"]["trigger"]) == ("performed", "agree")
    history = cw.acting("admin").history(case_no)
    assert [e["trigger"] for e in history[-2:]] == ["agree", "perform"]


def test_oral_money_warning_is_printed(cli: Cli, cw: Casework) -> None:
    case_no = M.accepted(cw, "2020-03-02")
    sets = ("form=oral", "amount=800", "performance=on_the_spot")
    result = _advance(cli, M.MED, case_no, "agree", *sets, at="2020-03-03")
    assert result.exit_code == 0
    out = " ".join(result.stdout.split())
    assert "提示 warning" in out and "口头协议涉及金额 800" in out and "oral_money=warn" in out


def test_confirmation_day_30_allowed_day_31_refused_and_ruled_later(cli: Cli, cw: Casework) -> None:
    sets = ("performance=lump_sum", "perform_by=2020-03-30", "effective_on=2020-03-02")
    late, in_time = M.accepted(cw, "2020-03-02"), M.accepted(cw, "2020-03-02")
    for case_no in (late, in_time):
        M.agree(cw, case_no, "2020-03-02", dict(s.split("=") for s in sets))
    apply = ("court=高州市人民法院", "joint=yes")
    refused = _advance(cli, M.CLERK, late, "apply_confirmation", *apply, at="2020-04-02")
    assert "confirmation_window" in error_line(refused)
    ok = _advance(cli, M.CLERK, in_time, "申请司法确认", *apply, at="2020-04-01")
    assert ok.exit_code == 0
    ruling = ("ruling=确认有效", "court_case_no=（2020）粤0981民特7号", "ruled_on=2020-04-15")
    ruled = _advance(cli, M.CLERK, in_time, "confirm", *ruling, at="2020-04-16")
    assert ruled.exit_code == 0
    assert cw.show(in_time)["history"][-1]["data"]["ruling"] == "confirmed"


def test_oral_agreement_confirmation_is_refused(cli: Cli, cw: Casework) -> None:
    case_no = M.accepted(cw, "2020-03-02")
    M.agree(
        cw,
        case_no,
        "2020-03-02",
        {"form": "oral", "performance": "lump_sum", "perform_by": "2020-03-09"},
    )
    result = _advance(
        cli, M.CLERK, case_no, "apply_confirmation", "court=gzfy", "joint=yes", at="2020-03-03"
    )
    assert "written_only" in error_line(result)


def test_remediate_after_breach_then_terminate_withdrawn(cli: Cli, cw: Casework) -> None:
    case_no = M.accepted(cw, "2020-03-02")
    M.agree(cw, case_no, "2020-03-02", {"performance": "lump_sum", "perform_by": "2020-03-09"})
    early = _advance(cli, M.CLERK, case_no, "breach", "reason=overdue", at="2020-03-09")
    assert "overdue_after_perform_by" in error_line(early)
    assert (
        _advance(cli, M.CLERK, case_no, "breach", "reason=overdue", at="2020-03-10").exit_code == 0
    )
    again = _advance(cli, M.SUP, case_no, "重新调解", "reason=再次协商", at="2020-03-11")
    assert again.exit_code == 0 and cw.show(case_no)["state"] == "mediating"
    ended = _advance(cli, M.MED, case_no, "terminate", "reason=withdrawn", at="2020-03-12")
    assert ended.exit_code == 0 and cw.show(case_no)["state"] == "terminated"


def test_archive_guard_is_named(cli: Cli, cw: Casework) -> None:
    case_no = M.accepted(cw, "2020-03-02")
    M.fail(cw, case_no, "2020-03-03")
    result = _advance(cli, M.SUP, case_no, "archive", at="2020-03-04")
    assert "followed_up" in error_line(result)
    M.follow_up(cw, case_no, "2020-03-04")
    done = _advance(cli, M.SUP, case_no, "archive", at="2020-03-04")
    assert done.exit_code == 0, done.stderr
    # the file's cover number (2.9), handed out by the archive, shown by case show
    shown = cli("case", "show", case_no, user=M.SUP)
    assert "卷宗号 file_no" in shown.stdout and "（2020）高潘州街道人调字第1号" in shown.stdout


def test_due_lists_the_performance_reminder(cli: Cli, cw: Casework) -> None:
    case_no = M.accepted(cw, "2020-03-02")
    M.agree(cw, case_no, "2020-03-02", {"performance": "instalments", "perform_by": "2020-03-09"})
    out = cli("due", "--within", "0", "--as-of", "2020-03-12", "--kind", "mediation").stdout
    assert case_no in out and "督促履行" in out and "超期" not in out
