"""Activity the carbon scenario takes from other results instead of typed numbers.

- ``[sanitation] from_result``: a ``fleet.json`` (``countyopt fleet``; one of
  its scenarios) or a routing ``solution.json`` (``countyopt route``, with the
  workbook that tells electric from fossil types) gives the sanitation
  sector's km per year, trucks by drive and their kWh per km.
- ``[waste] from_siting``: a ``siting.json`` (``countyopt site``) gives the
  tonnes its open incinerators receive per day.

Only the documented result files are read, never another pillar's code.
Every bad file or field is an :class:`InputError` naming the file and field.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from optimizer.io.errors import InputError, InputProblem
from optimizer.io.json_fields import JsonFields, is_number
from optimizer.io.load import parse_json_text, read_input_text


@dataclass(frozen=True)
class SanitationActivity:
    """A sanitation fleet's yearly activity, split into electric and fossil trucks."""

    source: str
    electric_km: float  # per year
    fossil_km: float
    electric_kwh: float  # electricity at the plug per year
    fossil_kwh: float  # fuel energy per year (net calorific value)
    electric_vehicles: int
    fossil_vehicles: int

    @property
    def km(self) -> float:
        """Return the km per year of the whole fleet."""
        return self.electric_km + self.fossil_km


def _document(path: Path, where: str) -> tuple[Any, str]:
    if not path.is_file():
        raise InputError([InputProblem(where, None, "", str(path), "an existing result file")])
    return parse_json_text(read_input_text(path), file=str(path)), str(path)


def sanitation_from_fleet(
    doc: dict[str, Any], file: str, scenario: str | None
) -> SanitationActivity:
    """Return one scenario's activity from a ``fleet.json`` (default: its chosen one)."""
    r = JsonFields(file)
    days = r.number(doc, "", "operating_days_per_year")
    chosen = scenario or doc.get("chosen") or "today"
    scenarios = r.objects(doc, "", "scenarios")
    names = [s.get("name") for s in scenarios]
    if r.problems:
        raise InputError(r.problems)
    if chosen not in names:
        listed = ", ".join(str(n) for n in names)
        raise InputError([InputProblem(file, None, "scenarios", str(chosen), f"one of {listed}")])
    k = names.index(chosen)
    s, where = scenarios[k], f"scenarios[{k}]"
    activity = SanitationActivity(
        source=f"{file} (scenario {chosen})",
        electric_km=r.number(s, where, "electric_km_per_day") * days,
        fossil_km=r.number(s, where, "fossil_km_per_day") * days,
        electric_kwh=r.number(s, where, "electricity_kwh_per_day") * days,
        fossil_kwh=r.number(s, where, "fuel_kwh_per_day") * days,
        electric_vehicles=r.integer(s, where, "electric_vehicles"),
        fossil_vehicles=r.integer(s, where, "fossil_vehicles"),
    )
    if r.problems:
        raise InputError(r.problems)
    return activity


def sanitation_from_routes(
    solution: Path, workbook: Path, days: float, file: str
) -> SanitationActivity:
    """Return the yearly activity of a routing ``solution.json`` driven every operating day."""
    from optimizer.io.solution import parse_solution_json
    from optimizer.io.workbook import read_workbook
    from optimizer.model import Fuel

    result = parse_solution_json(read_input_text(solution), file=file)
    instance = read_workbook(workbook)
    fuels = {vt.id: vt.fuel for vt in instance.vehicle_types}
    unknown = sorted({r.vehicle_type for r in result.routes} - set(fuels))
    if unknown:
        raise InputError(
            [
                InputProblem(file, None, "routes.vehicle_type", t, f"a vehicle type of {workbook}")
                for t in unknown
            ]
        )
    electric = [r for r in result.routes if fuels[r.vehicle_type] is Fuel.ELECTRIC]
    fossil = [r for r in result.routes if fuels[r.vehicle_type] is not Fuel.ELECTRIC]
    return SanitationActivity(
        source=file,
        electric_km=sum(r.distance_m for r in electric) / 1000 * days,
        fossil_km=sum(r.distance_m for r in fossil) / 1000 * days,
        electric_kwh=sum(r.energy_kwh for r in electric) * days,
        fossil_kwh=sum(r.energy_kwh for r in fossil) * days,
        electric_vehicles=len(electric),
        fossil_vehicles=len(fossil),
    )


def read_sanitation(
    path: Path,
    *,
    scenario: str | None,
    workbook: Path | None,
    days: float,
    where: str,
) -> SanitationActivity:
    """Return the sanitation activity of a ``fleet.json`` or routing ``solution.json``.

    Parameters
    ----------
    path
        The result file.
    scenario
        Which scenario of a ``fleet.json``.
    workbook
        The county workbook a ``solution.json`` was planned on (for the fuels).
    days
        Operating days per year of a ``solution.json`` (a day's plan).
    where
        The scenario key naming the file, for messages.

    """
    doc, file = _document(path, where)
    kind = doc.get("schema") if isinstance(doc, dict) else None
    if kind == "countyopt.fleet":
        return sanitation_from_fleet(doc, file, scenario)
    if kind == "countyopt.solution":
        if workbook is None:
            raise InputError(
                [
                    InputProblem(
                        where.replace("from_result", "workbook"),
                        None,
                        "",
                        "",
                        "the county workbook the routes were planned on (to tell electric "
                        "from fossil vehicle types)",
                    )
                ]
            )
        return sanitation_from_routes(path, workbook, days, file)
    raise InputError(
        [
            InputProblem(
                file,
                None,
                "schema",
                str(kind or ""),
                "'countyopt.fleet' (fleet.json) or 'countyopt.solution' (solution.json)",
            )
        ]
    )


def incinerated_t_per_day(path: Path, *, where: str) -> float:
    """Return the tonnes per day a ``siting.json`` sends to its open incinerators."""
    doc, file = _document(path, where)
    r = JsonFields(file)
    if not isinstance(doc, dict):
        r.report("(document)", doc, "a JSON object (a siting.json)")
        raise InputError(r.problems)
    kinds = r.get(
        doc,
        "",
        "site_kinds",
        lambda v: isinstance(v, dict) and all(isinstance(x, str) for x in v.values()),
        "an object of site kinds by id (written by countyopt site)",
    )
    load = r.get(
        doc,
        "",
        "load_kg_per_day",
        lambda v: isinstance(v, dict) and all(is_number(x) for x in v.values()),
        "an object of numbers (kg per day by site)",
    )
    if r.problems:
        raise InputError(r.problems)
    return sum(float(kg) for site, kg in load.items() if kinds.get(site) == "incinerator") / 1000
