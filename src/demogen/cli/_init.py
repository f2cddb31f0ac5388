"""``demogen init [DIR]``: a starter plan workbook, product.json and demogen.yaml."""

from __future__ import annotations

import shlex
from pathlib import Path

import typer

from demogen.cli._console import err, out, reports_errors


@reports_errors
def init(
    folder: Path = typer.Argument(Path("."), help="Folder for the new project (made if "
                                  "needed; must be empty)."),
    industry: str = typer.Option(
        "game", "--industry",
        help="Example rows and product.json for this industry (a behaviour preset: game, "
        "ecommerce, saas, fitness, media, education, generic)."),
    overwrite: bool = typer.Option(
        False, "--overwrite", help="Write into a folder that is not empty (replacing the "
        "starter's own files)."),
) -> None:
    """Start a project: a ThinkingData-layout plan (taxonomy.xlsx: events, common and user
    properties, instructions, example rows, drop-downs for types and update methods),
    product.json and demogen.yaml, ready for analyze and generate."""
    from demogen.config import CONFIG_NAME
    from demogen.init import write_starter

    written = write_starter(folder, industry=industry, overwrite=overwrite)
    for path in written:
        out.print(str(path), markup=False, highlight=False)
    where = shlex.quote(str(folder))
    config = shlex.quote(str(folder / CONFIG_NAME))
    err.print("next:\n"
              f"  edit {shlex.quote(str(folder / 'taxonomy.xlsx'))} (or keep the examples)\n"
              f"  demogen analyze {where}    what demogen understood\n"
              f"  demogen generate --config {config}    users, sessions, events\n"
              f"  demogen validate {shlex.quote(str(folder / 'out'))}", markup=False,
              highlight=False)
