"""A caller's --ref makes re-running a command add nothing."""

from __future__ import annotations

import json

import pytest

from casework.api import Casework
from casework.errors import InvalidData
from tests import petitions as P
from tests.helpers import Cli, dump


def test_register_and_advance_with_ref_are_idempotent(cw: Casework) -> None:
    clerk, sup = cw.acting("clerk_pz"), cw.acting("sup_pz")
    first = clerk.register("petition", "panzhou", "来信", at="2020-03-01", ref="来信-2020-001")
    assert first["existing"] is False
    again = clerk.register("petition", "panzhou", "来信", at="2020-03-01", ref="来信-2020-001")
    assert again["existing"] is True and again["case_no"] == first["case_no"]
    for kind in ("letter", "acceptance_notice"):  # what 受理 needs on file (《信访条例》第二十二条)
        P.doc(cw, P.TOWN_CLERK, first["case_no"], kind, "2020-03-02")
    accepted = sup.advance(first["case_no"], "accept", P.NOTICE, at="2020-03-02", ref="r1")
    before = dump(cw.engine)
    repeated = sup.advance(first["case_no"], "accept", P.NOTICE, at="2020-03-02", ref="r1")
    assert repeated["repeated"] is True
    assert repeated["event"]["seq"] == accepted["event"]["seq"] == 4
    assert dump(cw.engine) == before
    with pytest.raises(InvalidData, match="was used for 'accept'"):
        sup.advance(first["case_no"], "reply", {"outcome": "support"}, ref="r1")
    doc = clerk.add_document(first["case_no"], "letter", ref="d1")
    assert clerk.add_document(first["case_no"], "letter", ref="d1")["repeated"] is True
    assert len(cw.show(first["case_no"])["history"]) == doc["event"]["seq"]


def test_ref_through_the_cli(cli: Cli) -> None:
    args = [
        "case",
        "register",
        "mediation",
        "--office",
        "panzhou",
        "--title",
        "t",
        "--ref",
        "L7",
        "--json",
    ]
    one = json.loads(cli(*args, user="clerk_pz").stdout)
    two = json.loads(cli(*args, user="clerk_pz").stdout)
    assert one["case_no"] == two["case_no"] and two["existing"] is True
    text = cli(*args[:-1], user="clerk_pz").stdout
    assert "registered before" in text
