from casework.api import Casework


def test_register_and_show(cw: Casework) -> None:
    r = cw.acting("clerk_pz").register("petition", "panzhou", "拖欠工资", at="2020-03-02")
    assert r["case_no"] == "XF-2020-panzhou-00001"
    assert cw.show(r["case_no"])["state"] == "registered"
