"""Read OSeMOSYS data: GNU MathProg data files and otoole CSV folders.

otoole does the parsing; the configuration it needs ships with the package
(``optimizer/data/carbon/osemosys_config.yaml``, generated from
:data:`optimizer.carbon.data.PARAMS`). otoole reports the configuration's
defaults, not the ``default`` clauses of a data file, so those are read from
the file's text here (UTOPIA's ``VariableCost default 0.00001`` is part of
the reference objective).
"""

from __future__ import annotations

import logging
import re
import warnings
from importlib import resources
from pathlib import Path
from typing import Any

from optimizer.carbon.data import PARAMS, SETS, EnergyData, make_data
from optimizer.i18n import Text
from optimizer.io.errors import InputError, InputProblem
from optimizer.io.load import read_input_text

_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
# Both spellings occur: ``param Name default 0 :=`` and otoole's ``param default 0 : Name :=``.
_DEFAULT_AFTER = re.compile(rf"^\s*param\s+(\w+)\s+default\s+({_NUMBER})", re.MULTILINE)
_DEFAULT_BEFORE = re.compile(rf"^\s*param\s+default\s+({_NUMBER})\s*:\s*(\w+)", re.MULTILINE)


def config_path() -> Path:
    """Return the path of the shipped otoole configuration."""
    return Path(str(resources.files("optimizer").joinpath("data/carbon/osemosys_config.yaml")))


def parse_defaults(text: str) -> dict[str, float]:
    """Return the ``default`` clause of every parameter in a MathProg data file."""
    found = {name: float(value) for name, value in _DEFAULT_AFTER.findall(text)}
    found.update({name: float(value) for value, name in _DEFAULT_BEFORE.findall(text)})
    return {name: value for name, value in found.items() if name in PARAMS}


_FMT_ZH = {"datafile": "MathProg 数据文件", "csv": "CSV 文件夹"}


def read_datafile(path: str | Path) -> EnergyData:
    """Read a GNU MathProg OSeMOSYS data file (such as UTOPIA's ``utopia.txt``)."""
    path = Path(path)
    text = read_input_text(path)
    frames = _otoole_read("datafile", path)
    return _to_data(frames, parse_defaults(text), str(path))


def read_csv_folder(folder: str | Path) -> EnergyData:
    """Read an otoole CSV folder (one ``NAME.csv`` per set and parameter)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(
            [
                InputProblem(
                    str(folder),
                    None,
                    "",
                    "",
                    Text("a folder of otoole CSV files", "otoole 格式 CSV 文件所在的文件夹"),
                )
            ]
        )
    frames = _otoole_read("csv", folder)
    return _to_data(frames, {}, str(folder))


def _otoole_read(fmt: str, path: Path) -> dict[str, Any]:
    from otoole.convert import read  # heavy import: only when reading OSeMOSYS files

    # otoole logs a warning for every symbol it does not know (UTOPIA's ResultsPath).
    logger = logging.getLogger("otoole")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        # otoole 1.1.5 uses pandas APIs that pandas 3 deprecates; they are otoole's to fix.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            warnings.simplefilter("ignore", FutureWarning)
            frames, _ = read(str(config_path()), fmt, str(path))
    except Exception as err:  # otoole raises many types; the user needs file and reason
        raise InputError(
            [
                InputProblem(
                    str(path),
                    None,
                    "",
                    "",
                    Text(
                        f"valid OSeMOSYS {fmt} data ({err})",
                        f"有效的 OSeMOSYS {_FMT_ZH.get(fmt, fmt)}（{str(err)!r}）",
                    ),
                )
            ]
        ) from err
    finally:
        logger.setLevel(level)
    return dict(frames)


def _to_data(frames: dict[str, Any], defaults: dict[str, float], source: str) -> EnergyData:
    sets = {
        name: list(frames[name]["VALUE"]) for name in SETS if name in frames and len(frames[name])
    }
    params: dict[str, dict[tuple[object, ...], float]] = {}
    for name in PARAMS:
        frame = frames.get(name)
        if frame is None or frame.empty:
            continue
        frame = frame.reset_index()
        keys = frame[list(PARAMS[name].indices)].itertuples(index=False, name=None)
        params[name] = dict(zip(keys, frame["VALUE"].astype(float), strict=True))
    return make_data(sets, params, defaults=defaults, source=source)
