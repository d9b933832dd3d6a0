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

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from optimizer.factors import factor, incineration_fossil_co2_kg_per_t, landfill_ch4_kg_per_t
from optimizer.io.errors import InputError, InputProblem
from optimizer.io.json_fields import JsonFields, is_number
from optimizer.io.load import parse_json_text, read_input_text


class TomlReader(Protocol):
    """Typed access to a scenario's TOML tree that collects problems (the scenario's reader)."""

    problems: list[InputProblem]

    def get(
        self, dotted: str, kind: type, default: Any = None, *, minimum: float | None = None
    ) -> Any:
        """Return the value at ``section.key``, or report it and return ``default``."""


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


@dataclass
class Linked:
    """What the link sections give the scenario: compile settings, activity, sources."""

    values: dict[str, Any] = field(default_factory=dict)  # compile settings
    activity: dict[str, float] = field(default_factory=dict)  # for the report
    links: dict[str, str] = field(default_factory=dict)


def read_links(tree: dict[str, Any], rd: TomlReader, source: str) -> Linked:
    """Read ``[sanitation]`` and ``[waste]``: activity from result files or typed numbers.

    Problems go to ``rd.problems``; paths are relative to the folder of ``source``.
    """
    out = Linked()
    base = Path(source).parent if not source.startswith("<") else Path(".")
    for section, known in (
        ("sanitation", {"from_result", "scenario", "workbook", "operating_days_per_year"}),
        ("waste", set(_WASTE_KEYS)),
    ):
        table = tree.get(section, {})
        if not isinstance(table, dict):
            rd.problems.append(InputProblem(source, None, section, repr(table), "a [section]"))
            continue
        for key in sorted(set(table) - known):
            rd.problems.append(
                InputProblem(
                    source, None, f"{section}.{key}", "", "one of " + ", ".join(sorted(known))
                )
            )
    if "sanitation" in tree:
        path = rd.get("sanitation.from_result", str)
        scenario = rd.get("sanitation.scenario", str, "")
        workbook = rd.get("sanitation.workbook", str, "")
        days = rd.get("sanitation.operating_days_per_year", float, 365.0, minimum=1)
        if path:
            try:
                act = read_sanitation(
                    base / path,
                    scenario=scenario or None,
                    workbook=base / workbook if workbook else None,
                    days=days,
                    where=f"{source}, column 'sanitation.from_result'",
                )
            except InputError as err:
                rd.problems.extend(err.problems)
            else:
                vehicles = act.electric_vehicles + act.fossil_vehicles
                kwh_per_km = {}
                if act.fossil_km > 0:
                    kwh_per_km["diesel"] = act.fossil_kwh / act.fossil_km
                if act.electric_km > 0:
                    kwh_per_km["electric"] = act.electric_kwh / act.electric_km
                out.values.update(
                    sanitation=act.km,
                    diesel_sanitation_trucks=float(act.fossil_vehicles),
                    electric_sanitation_trucks=float(act.electric_vehicles),
                    sanitation_kwh_per_km=kwh_per_km,
                    sanitation_km_per_vehicle=act.km / vehicles if vehicles else None,
                )
                out.activity.update(
                    sanitation_km=act.km,
                    sanitation_electric_km=act.electric_km,
                    sanitation_electricity_kwh=act.electric_kwh,
                    sanitation_fuel_kwh=act.fossil_kwh,
                    electric_sanitation_trucks=float(act.electric_vehicles),
                    fossil_sanitation_trucks=float(act.fossil_vehicles),
                )
                out.links["sanitation"] = act.source
    if "waste" in tree:
        _waste_section(tree, rd, source, base, out)
    return out


_WASTE_KEYS = (
    "from_siting",
    "incinerated_t_per_day",
    "incineration",
    "growth",
    "operating_days_per_year",
    "electricity_kwh_per_t",
    "fossil_co2_kg_per_t",
    "landfill_ch4_kg_per_t",
)


def _waste_section(
    tree: dict[str, Any],
    rd: TomlReader,
    source: str,
    base: Path,
    out: Linked,
) -> None:
    """Read ``[waste]``: tonnes burnt (typed or from a siting.json) and the sourced factors."""
    table = tree["waste"]
    path = rd.get("waste.from_siting", str, "")
    if path and "incinerated_t_per_day" in table:
        rd.problems.append(
            InputProblem(
                source,
                None,
                "waste.incinerated_t_per_day",
                str(table["incinerated_t_per_day"]),
                "no typed tonnes when waste.from_siting names a siting.json",
            )
        )
    tonnes = rd.get("waste.incinerated_t_per_day", float, 0.0 if path else None, minimum=0)
    if path:
        try:
            tonnes = incinerated_t_per_day(
                base / path, where=f"{source}, column 'waste.from_siting'"
            )
        except InputError as err:
            rd.problems.extend(err.problems)
            return
        out.links["waste"] = str(base / path)
    days = rd.get("waste.operating_days_per_year", float, 365.0, minimum=1)
    burn = rd.get("waste.incineration", bool, True)
    kwh = rd.get(
        "waste.electricity_kwh_per_t", float, factor("wte_electricity_kwh_per_t"), minimum=0
    )
    fossil = rd.get(
        "waste.fossil_co2_kg_per_t", float, incineration_fossil_co2_kg_per_t(), minimum=0
    )
    ch4 = rd.get("waste.landfill_ch4_kg_per_t", float, landfill_ch4_kg_per_t(), minimum=0)
    out.values["waste"] = {
        "t_per_year": (tonnes or 0.0) * days,
        "growth": rd.get("waste.growth", float, 0.0, minimum=-0.5),
        "incineration": burn,
        # Model units: GWh and kt CO2(e) per kt of waste = kWh and kg per t / 1000.
        "elc_gwh_per_kt": kwh / 1000,
        "co2_kt_per_kt": (fossil if burn else ch4 * factor("gwp100_ch4")) / 1000,
    }
    t_year = (tonnes or 0.0) * days
    out.activity.update(
        incinerated_t=t_year if burn else 0.0,
        landfilled_t=0.0 if burn else t_year,
        wte_electricity_kwh=t_year * kwh if burn else 0.0,
        waste_co2e_t=t_year * (fossil if burn else ch4 * factor("gwp100_ch4")) / 1000,
    )
