"""Files given to ``bench`` by path run as routing, siting or carbon instances by their format."""

from __future__ import annotations

from pathlib import Path

from optimizer.bench.sets import SETS, kind_of

TINY = Path(__file__).resolve().parent / "data" / "Tiny6.vrp"


def test_paths_are_routed_to_their_domain(tmp_path: Path) -> None:
    """A .vrp is routing, cap41.txt/pmed1.txt/p1/coord*.dat siting, MathProg or a folder carbon."""
    assert kind_of(TINY) == "routing"
    for name, kind in (
        ("cap41.txt", "cap"),
        ("pmed1.txt", "pmed"),
        ("p1", "holmberg"),
        ("coord20-5-1.dat", "lrp"),
    ):
        (tmp_path / name).write_text("2 3\n")
        assert kind_of(tmp_path / name) == kind
    model = tmp_path / "model.txt"
    model.write_text("# a model\nset REGION := R1;\nparam DiscountRate default 0.05 :=\n;\nend;\n")
    assert kind_of(model) == "osemosys"
    assert kind_of(tmp_path) == "osemosys"


def test_every_set_names_its_domain() -> None:
    """The siting sets (location-routing included) and the carbon set are there."""
    assert {n for n, s in SETS.items() if s.domain == "siting"} == {
        "cap",
        "uncap",
        "holmberg",
        "pmed",
        "lrp",
        "lrp_barreto",
    }
    assert {n for n, s in SETS.items() if s.domain == "carbon"} == {"osemosys"}
