"""Read an instance from any supported input, chosen by what the path is."""

from __future__ import annotations

from pathlib import Path

from optimizer.io.errors import InputError, InputProblem
from optimizer.model import Instance


def read_instance(path: str | Path, *, coord_sys: str | None = None) -> Instance:
    """Read a county workbook folder, an .xlsx workbook, a .json instance or a .geojson file.

    Parameters
    ----------
    path
        The input: a folder of CSV files or an ``.xlsx`` workbook, a native
        ``.json`` instance, or a ``.geojson`` FeatureCollection.
    coord_sys
        ``"wgs84"`` or ``"gcj02"``: the datum of the input coordinates,
        overriding what the file says (GCJ-02 is converted to WGS-84).

    Raises
    ------
    InputError
        If the path does not exist, has an unknown suffix, or the input has
        problems (every one is listed).

    """
    src = Path(path)
    suffix = src.suffix.lower()
    if not src.exists():
        raise InputError([InputProblem(str(src), None, "", "", "an existing file or folder")])
    if src.is_dir() or suffix in (".xlsx", ".xlsm"):
        from optimizer.io.workbook import read_workbook

        return read_workbook(src, coord_sys=coord_sys)
    if suffix == ".json":
        from optimizer.io.instance_json import read_instance_json

        return read_instance_json(src, coord_sys=coord_sys)
    if suffix == ".geojson":
        from optimizer.io.geojson import read_geojson

        return read_geojson(src, coord_sys=coord_sys)
    raise InputError(
        [
            InputProblem(
                str(src),
                None,
                "",
                suffix,
                "a workbook folder, .xlsx, .json (countyopt instance) or .geojson"
                + ("; save the old .xls format as .xlsx in Excel" if suffix == ".xls" else ""),
            )
        ]
    )
