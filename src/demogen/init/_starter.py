"""Write the starter project (see :mod:`demogen.init`).

The workbook follows the ThinkingData template the reader accepts
(:mod:`demogen.taxonomy._te_layout`): an event sheet with one row per event property (the
event's cells only on its first row), a common-property sheet and a user-property sheet
(with the update method), plus an instructions sheet the reader skips. The type and
update-method columns carry drop-down lists of the words the reader understands.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from demogen.config import CONFIG_NAME, GenerateConfig, write_config
from demogen.errors import ConfigError

__all__ = ["STARTER_FILES", "init_industries", "write_starter"]

PLAN_NAME = "taxonomy.xlsx"
STARTER_FILES = (PLAN_NAME, "product.json", CONFIG_NAME)
#: Sheet names the reader knows (data/header_aliases.yaml: te_events, te_common, te_user,
#: te_teaching).
EVENT_SHEET, COMMON_SHEET, USER_SHEET = "event data", "common properties", "user data"
GUIDE_SHEET = "how to read this table"
EVENT_HEADER = ("event name", "event alias", "event description", "event tag",
                "property name", "property alias", "property type", "property description")
COMMON_HEADER = ("property name", "property alias", "property type", "property description")
USER_HEADER = ("property name", "property alias", "property type", "update method",
               "property description")
TYPES = ("String", "Number", "Boolean", "Time", "List", "Object", "Object Group")
UPDATE_METHODS = ("user_set", "user_setOnce", "user_add", "user_append", "user_uniq_append")
#: What the run in demogen.yaml starts with: small enough to look at in a minute.
STARTER_USERS, STARTER_DAYS = 1_000, 14

_GUIDE = (
    ("How to fill in this plan",),
    ("",),
    (f"'{EVENT_SHEET}': one row per event property. Write the event's name, alias, "
     "description and tag on its first row only; the rows below it (event cells blank) "
     "list its further properties. An event without properties takes one row.",),
    ("Event and property names: letters, digits and _ (start with a letter), at most 50 "
     "characters. Preset properties start with # (#duration).",),
    (f"Types (drop-down): {', '.join(TYPES)}. 'parent.child' rows under an Object Group "
     "are the fields of its objects.",),
    ("Descriptions may hint at values: a range (1~5) or [0,500000], a list "
     "(Enum: a, b, c), examples (e.g. red, blue). demogen draws values from them.",),
    (f"'{COMMON_SHEET}': properties sent with every event.",),
    (f"'{USER_SHEET}': user properties, with their update method (drop-down): "
     f"{', '.join(UPDATE_METHODS)}.",),
    ("",),
    ("Then: demogen analyze . (what demogen understood) → demogen generate --config "
     f"{CONFIG_NAME} → demogen validate out → demogen report out",),
)


@cache
def _plans() -> dict[str, Any]:
    node = resources.files("demogen").joinpath("data", "init_plans.yaml")
    return yaml.safe_load(node.read_text(encoding="utf-8"))


def init_industries() -> list[str]:
    """The industries ``--industry`` accepts: the behaviour presets."""
    from demogen.simulation.presets import preset_names

    return list(preset_names())


def write_starter(folder: Path, *, industry: str = "game", overwrite: bool = False
                  ) -> list[Path]:
    """Write the starter project into ``folder`` (made if needed); the files written.

    A folder that holds anything is refused unless ``overwrite`` (then only the starter's
    own files are replaced).
    """
    if industry not in init_industries():
        raise ConfigError(f"unknown industry '{industry}' (--industry); choose one of: "
                          f"{', '.join(init_industries())}")
    if folder.exists() and not folder.is_dir():
        raise ConfigError(f"{folder} is a file; name a folder for the new project")
    if folder.is_dir() and any(folder.iterdir()) and not overwrite:
        raise ConfigError(f"{folder} is not empty; choose an empty or new folder, or pass "
                          "--overwrite to replace the starter's files "
                          f"({', '.join(STARTER_FILES)}) in it")
    plan = _plans().get(industry) or _plans()["generic"]
    folder.mkdir(parents=True, exist_ok=True)
    _write_workbook(folder / PLAN_NAME, plan)
    product = {"industry": industry, **plan["product"]}
    (folder / "product.json").write_text(json.dumps(product, ensure_ascii=False, indent=2)
                                         + "\n", encoding="utf-8")
    # An explicit window: the file repeats the same run on any later day. It ends two days
    # back, so that no zone west of UTC is still living its last day.
    start = date.today() - timedelta(days=STARTER_DAYS + 2)
    config = GenerateConfig(taxonomy=folder, output=str(folder / "out"), users=STARTER_USERS,
                            start=start, days=STARTER_DAYS, overwrite=True)
    write_config(config, folder / CONFIG_NAME)
    with (folder / CONFIG_NAME).open("a", encoding="utf-8") as handle:
        handle.write(_SEGMENTS_EXAMPLE)
    return [folder / name for name in STARTER_FILES]


_SEGMENTS_EXAMPLE = """\
# Every 'demogen generate' option can go here (start: 2025-01-06, seed: 7, gzip: true …).
# Custom segments, e.g.:
# segments:
#   - {name: weekend_warriors, share: 0.2, activity: weekend_only}
#   - {name: high_spenders, share: 0.05, spend: 4}
"""


def _write_workbook(path: Path, plan: dict[str, Any]) -> None:
    import openpyxl
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    book = openpyxl.Workbook()
    guide = book.active
    guide.title = GUIDE_SHEET
    for row in _GUIDE:
        guide.append(row)
    guide["A1"].font = Font(bold=True)
    guide.column_dimensions["A"].width = 120

    events = book.create_sheet(EVENT_SHEET)
    events.append(EVENT_HEADER)
    for name, alias, description, tag, properties in plan["events"]:
        first = (name, alias, description, tag)
        if not properties:
            events.append((*first, None, None, None, None))
        for n, prop in enumerate(properties):
            events.append((*(first if n == 0 else (None,) * 4), *prop))
    common = book.create_sheet(COMMON_SHEET)
    common.append(COMMON_HEADER)
    for row in plan["common"]:
        common.append(tuple(row))
    user = book.create_sheet(USER_SHEET)
    user.append(USER_HEADER)
    for row in plan["user"]:
        user.append(tuple(row))

    for sheet, header in ((events, EVENT_HEADER), (common, COMMON_HEADER),
                          (user, USER_HEADER)):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for index, title in enumerate(header):
            letter = chr(ord("A") + index)
            sheet.column_dimensions[letter].width = max(14, len(title) + 4)
        _choices(sheet, header, "property type", TYPES, DataValidation)
    _choices(user, USER_HEADER, "update method", UPDATE_METHODS, DataValidation)
    book.save(path)


def _choices(sheet: Any, header: tuple[str, ...], column: str, words: tuple[str, ...],
             validation: Any) -> None:
    """A drop-down of ``words`` on ``column`` for the rows people will add (to row 1000)."""
    letter = chr(ord("A") + header.index(column))
    rule = validation(type="list", formula1='"' + ",".join(words) + '"', allow_blank=True,
                      showErrorMessage=True, errorTitle=f"Unknown {column}",
                      error=f"Choose one of: {', '.join(words)}")
    sheet.add_data_validation(rule)
    rule.add(f"{letter}2:{letter}1000")
