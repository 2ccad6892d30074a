"""Generated Markdown + CSV reports (``paper_check``, ``fidelity``): one writer, one table-row format."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from .._atomic import ensure_folder, write_text_atomic

__all__ = ["md_row", "pair_texts", "write_pair"]


def md_row(cells: Iterable[object]) -> str:
    """One Markdown table row; nulls are empty cells and ``|`` inside a cell is escaped."""
    return "| " + " | ".join("" if _missing(x) else str(x).replace("|", "\\|") for x in cells) + " |"


def _missing(x: object) -> bool:
    return x is None or (isinstance(x, float) and x != x) or x is pd.NA


def pair_texts(stem: str, frame: pd.DataFrame, markdown: str) -> dict[str, str]:
    """File name -> text of a report: ``<stem>.csv`` (the frame) and ``<stem>.md``."""
    return {f"{stem}.csv": frame.to_csv(index=False, lineterminator="\n"), f"{stem}.md": markdown}


def write_pair(folder: Path, stem: str, frame: pd.DataFrame, markdown: str) -> tuple[Path, Path]:
    """Write ``<stem>.csv`` (the frame) and ``<stem>.md`` into ``folder``, each atomically; return (md, csv)."""
    ensure_folder(folder)
    for name, text in pair_texts(stem, frame, markdown).items():
        write_text_atomic(folder / name, text)
    return folder / f"{stem}.md", folder / f"{stem}.csv"
