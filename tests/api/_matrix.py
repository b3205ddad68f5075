"""The permission matrix as data: one ``Cell`` per endpoint and action, with the status every
role of ``ROLES`` must get. ``cells(MATRIX)`` turns it into pytest parameters, one per cell."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest

from tests.api.conftest import ROLES


@dataclass(frozen=True)
class Case:
    method: str
    url: Callable[[SimpleNamespace], str]
    expected: dict[str, int]
    data: Callable[[SimpleNamespace], dict] | None = None
    # For lists: the ids each allowed role sees, exactly (never a foreign object).
    ids: dict[str, Callable[[SimpleNamespace], set]] = field(default_factory=dict)
    id_key: str = "id"

    def __post_init__(self):
        assert set(self.expected) == set(ROLES), sorted(set(ROLES) ^ set(self.expected))


def roles(
    anonymous=401,
    norole=403,
    member_a=403,
    member_b=403,
    consultant_x=403,
    consultant_y=403,
    admin=403,
) -> dict[str, int]:
    return {
        "anonymous": anonymous,
        "norole": norole,
        "member_a": member_a,
        "member_b": member_b,
        "consultant_x": consultant_x,
        "consultant_y": consultant_y,
        "admin": admin,
    }


def cells(matrix: dict[str, Case]) -> list:
    return [
        pytest.param(name, role, id=f"{name}-{role}")
        for name, case in matrix.items()
        for role in ROLES
    ]


def check_cell(matrix: dict[str, Case], name: str, role: str, api_as, objs: SimpleNamespace):
    case = matrix[name]
    client = api_as(role)
    data = case.data(objs) if case.data else None
    response = getattr(client, case.method)(case.url(objs), data, format="json")
    expected = case.expected[role]
    assert response.status_code == expected, (
        name,
        role,
        response.status_code,
        response.content[:400],
    )
    if expected >= 400:
        body = response.json()
        assert set(body) == {"code", "message", "fields"}, body
    elif role in case.ids:
        seen = {row[case.id_key] for row in response.json()["results"]}
        assert seen == case.ids[role](objs), (name, role, seen)
    return response


def count_of(matrix: dict[str, Case]) -> int:
    return len(matrix) * len(ROLES)
