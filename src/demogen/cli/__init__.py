"""Command-line interface (typer + rich)."""

from __future__ import annotations


def main() -> None:
    from demogen.cli._app import app

    app()


__all__ = ["main"]
