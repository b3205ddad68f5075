"""Who spent the machine's CPU during a benchmark (Linux's /proc): a figure per second of wall
time says what is busy, and CPU per operation says what the work costs whatever the load."""

from __future__ import annotations

import os
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    try:
        # The name (field 2) may hold spaces and parentheses: split after its last ")".
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far; 0 once it is gone."""
    fields = _stat(pid)
    return (int(fields[11]) + int(fields[12])) / TICKS if fields else 0.0


def _all_pids() -> list[int]:
    return [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()]


def with_descendants(pid: int) -> list[int]:
    """``pid`` and every process under it (uvicorn's workers under its supervisor)."""
    parents = {}
    for other in _all_pids():
        fields = _stat(other)
        if fields:
            parents[other] = int(fields[1])
    family, grew = {pid}, True
    while grew:
        found = {child for child, parent in parents.items() if parent in family}
        grew = not found <= family
        family |= found
    return sorted(family)


def named(name: str) -> list[int]:
    """Processes whose command name is ``name`` (e.g. every PostgreSQL backend: "postgres")."""
    pids = []
    for pid in _all_pids():
        try:
            if Path(f"/proc/{pid}/comm").read_text().strip() == name:
                pids.append(pid)
        except (FileNotFoundError, ProcessLookupError):
            continue
    return pids


def total(pids: list[int]) -> float:
    return sum(cpu_seconds(pid) for pid in pids)
