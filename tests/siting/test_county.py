"""The county siting model on a tiny county whose optimum is clear by hand."""

from __future__ import annotations

from dataclasses import replace

import pytest
from tiny_county import tiny_county

from optimizer.distances import great_circle_matrix
from optimizer.io.errors import InputError
from optimizer.model import Site, SiteKind, Stream
from optimizer.siting.check import evaluate
from optimizer.siting.config import load_config
from optimizer.siting.county import build_county_problem, daily_kg, site_county
from optimizer.siting.result import SolveStatus


def test_every_stop_goes_to_one_open_site_within_capacity() -> None:
    """Each stop is served by exactly one open site and no site exceeds its capacity."""
    county = tiny_county()
    result = site_county(county, load_config())
    assert result.status is SolveStatus.OPTIMAL and result.decision is not None
    assert set(result.decision.assignment) == {s.id for s in county.stops}
    for shares in result.decision.assignment.values():
        assert len(shares) == 1 and next(iter(shares)) in result.decision.open
    for fid, cap in result.capacity.items():
        assert cap is None or result.load[fid] <= cap + 1e-6
    assert result.violations == ()


def test_clusters_get_the_size_class_their_waste_needs() -> None:
    """Both 40 t/day clusters open their station at the large class and forward to the plant."""
    result = site_county(tiny_county(), load_config())
    assert result.decision is not None
    assert result.decision.open["C1"] == "large" and result.decision.open["C2"] == "large"
    assert {(f.source, f.target) for f in result.decision.flows} == {("C1", "P1"), ("C2", "P1")}
    assert result.decision.assignment["KW0"] == {"K1": 1.0}


def test_checker_cost_equals_solver_objective() -> None:
    """The independent recomputation of cost from the decision equals the solver's objective."""
    county = tiny_county()
    built = build_county_problem(county, load_config())
    result = site_county(county, load_config())
    assert result.decision is not None and result.objective is not None
    ev = evaluate(built.problem, result.decision)
    assert ev.violations == []
    assert ev.total_cost == pytest.approx(result.objective, rel=1e-9)
    assert result.total_co2 > 0


def test_budget_is_respected() -> None:
    """With a budget that pays for two small stations only, capital stays within it."""
    result = site_county(tiny_county(), replace(load_config(), budget_yuan=2_000_000))
    assert result.status is SolveStatus.OPTIMAL
    assert result.capital <= 2_000_000
    assert result.decision is not None and set(result.decision.open) >= {"C1", "C2"}


def test_too_small_budget_is_diagnosed_with_the_capital_needed() -> None:
    """A budget below what the haul limit forces is reported with the least capital needed."""
    config = replace(load_config(), budget_yuan=2_000_000, max_haul_km=10)
    result = site_county(tiny_county(), config)
    assert result.status is SolveStatus.INFEASIBLE and result.decision is None
    assert any("budget 2,000,000 is too small" in d and "3,000,000" in d for d in result.diagnosis)


def test_uncoverable_stops_are_named() -> None:
    """A haul limit shorter than any stop's distance names every stop that cannot be served."""
    result = site_county(tiny_county(), replace(load_config(), max_haul_km=0.3))
    assert result.status is SolveStatus.INFEASIBLE
    named = {d.split()[1] for d in result.diagnosis}
    assert named == {f"{side}{k}" for side in "WE" for k in range(4)}


def test_closed_site_stays_closed() -> None:
    """A candidate the workbook marks closed is not opened and its stops go elsewhere."""
    result = site_county(tiny_county(west_siting="closed"), load_config())
    assert result.decision is not None and "C1" not in result.decision.open
    assert all("C1" not in shares for shares in result.decision.assignment.values())


def test_bad_siting_word_is_an_input_error() -> None:
    """An unknown value in the siting column is reported naming the column and site."""
    with pytest.raises(InputError, match="siting"):
        build_county_problem(tiny_county(west_siting="maybe"), load_config())


def test_split_allows_shares_and_still_covers_demand() -> None:
    """With splitting allowed every stop's shares sum to one and the cost is no higher."""
    config = replace(load_config(), budget_yuan=2_000_000)
    single = site_county(tiny_county(), config)
    split = site_county(tiny_county(), config, split=True)
    assert split.decision is not None and split.objective is not None
    assert single.objective is not None and split.objective <= single.objective + 1e-6
    for shares in split.decision.assignment.values():
        assert sum(shares.values()) == pytest.approx(1.0)


def test_daily_amount_follows_visit_frequency() -> None:
    """A stop visited twice a week with 500 kg per visit produces 500 × 2 / 7 kg a day."""
    stop = next(s for s in tiny_county().stops if s.id == "KW1")
    assert daily_kg(stop) == pytest.approx(500 * 2 / 7)


def test_capital_recovery_factor_matches_the_annuity_formula() -> None:
    """At 8 % over 20 years the capital recovery factor is 0.10185 (annuity tables)."""
    assert load_config().capital_recovery_factor(20) == pytest.approx(0.101852, abs=1e-6)


def test_default_incinerator_classes_start_at_300_t_per_day() -> None:
    """Default incinerator sizes honour the ~300 t/day county guidance unless small is allowed."""
    config = load_config()
    assert min(c.capacity_t_per_day for c in config.offered_incinerator_classes) >= 300
    small = replace(config, incinerator_allow_small=True)
    assert min(c.capacity_t_per_day for c in small.offered_incinerator_classes) < 300


def test_override_toml_changes_only_the_given_keys(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A user TOML overriding the discount rate keeps every other default."""
    path = tmp_path / "mine.toml"
    path.write_text("[finance]\ndiscount_rate = 0.05\n", encoding="utf-8")
    mine, base = load_config(path), load_config()
    assert mine.discount_rate == 0.05
    assert mine.station_classes == base.station_classes


def test_bad_toml_is_an_input_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """An override file that is not TOML is reported as bad input naming the file."""
    path = tmp_path / "bad.toml"
    path.write_text("[finance\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.toml"):
        load_config(path)


def test_station_without_a_plant_ends_the_haul_there() -> None:
    """Without any plant for a stream, stations still receive it and nothing flows onward."""
    county = tiny_county()
    county = replace(county, sites=tuple(s for s in county.sites if s.id != "P1"))
    result = site_county(county, load_config())
    assert result.status is SolveStatus.OPTIMAL and result.decision is not None
    assert result.decision.flows == ()
    assert result.decision.main_facility("W0") == "C1"
    assert result.violations == ()


def test_small_county_uses_the_neighbours_plant_over_a_300_t_incinerator() -> None:
    """With 80 t/day of residual waste, paying a neighbour's gate fee beats building 300 t/day."""
    county = tiny_county()
    neighbour = replace(county.site("P1"), extra={"gate_fee_yuan_per_t": "150"})
    own = Site(
        "I2", "own plant", SiteKind.INCINERATOR, 30.01, 120.1,
        streams=frozenset({Stream.OTHER}), candidate=True,
    )  # fmt: skip
    sites = (*(neighbour if s.id == "P1" else s for s in county.sites), own)
    pts = [(s.id, s.lat, s.lon) for s in (*county.stops, *sites)]
    county = replace(county, sites=sites, travel=great_circle_matrix(pts))
    built = build_county_problem(county, load_config())
    sizes = built.problem.options[built.problem.facility_index("I2")]
    assert min(o.capacity or 0 for o in sizes) >= 300_000  # kg/day: no class below 300 t/day
    result = site_county(county, load_config())
    assert result.decision is not None and "I2" not in result.decision.open
    assert result.load["P1"] == pytest.approx(80_000)
    kitchen_t_per_year = (1.0 + 0.5 * 2 / 7) * 365  # KW0 and KW1 at the composting plant
    composting = load_config().treatment_yuan_per_t["composting"]
    expected = 80 * 365 * 150 + kitchen_t_per_year * composting
    assert result.costs["treatment"] == pytest.approx(expected, rel=1e-9)
