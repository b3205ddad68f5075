"""Clients generated from the published schema work: openapi-python-client's Python client
imports in full and logs in and lists slots against a live server; openapi-typescript's types
compile under `tsc --strict` and type ids as numbers. The schema is fetched from /api/schema/
as a logged-in caller (so it works whether or not the schema is public)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests import factories as f
from tests.npm_tools import node, npm_package

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery staple"  # the factories' password
PACKAGE = "nextwork_client"
GENERATOR_CONFIG = f"""\
package_name_override: {PACKAGE}
project_name_override: nextwork-client
post_hooks: []
"""


@pytest.fixture
def world(db):
    """A company member with two slots, one of another company they must not see."""
    member = f.CompanyMemberFactory(user__username="baker")
    f.SlotFactory(company=member.company, title="Bagerlærling")
    f.SlotFactory(company=f.CompanyFactory(), title="Andres plads")
    return member


# The schema does not depend on the data: fetched over HTTP once per run, not once per test.
_fetched: dict[str, bytes] = {}


@pytest.fixture
def schema(world, live_server, tmp_path) -> Path:
    if "schema" not in _fetched:
        token = _token(live_server.url, "baker")
        response = httpx.get(
            f"{live_server.url}/api/schema/?format=json",
            headers={"Authorization": f"Token {token}", "Accept-Language": "da"},
            timeout=180,  # the schema is built on request: seconds on a busy machine
        )
        assert response.status_code == 200
        _fetched["schema"] = response.content
    path = tmp_path / "schema.json"
    path.write_bytes(_fetched["schema"])
    return path


def _token(base_url: str, username: str) -> str:
    response = httpx.post(
        f"{base_url}/api/v1/auth/token/",
        json={"username": username, "password": PASSWORD},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    return response.json()["token"]


def _run(*command: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run(  # noqa: S603 - our own tools and files
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_the_schema_is_generator_friendly(schema):
    document = json.loads(schema.read_text())
    operations = [
        operation
        for operations in document["paths"].values()
        for operation in operations.values()
        if isinstance(operation, dict)
    ]
    bodies = [op["requestBody"]["content"] for op in operations if "requestBody" in op]
    assert bodies and all(list(content) == ["application/json"] for content in bodies)
    for operation in operations:
        for parameter in operation.get("parameters", ()):
            assert parameter["schema"].get("type") != "number", parameter
            if parameter["in"] == "path" and parameter["name"] in ("id", "event_pk", "member_id"):
                assert parameter["schema"]["type"] == "integer", parameter
    text = schema.read_text()
    # Asked for in Danish, described in English (choice labels, help texts).
    assert "`draft` - draft" in text and "kladde" not in text


def test_generated_python_client_imports_and_lists_slots(schema, live_server, tmp_path):
    (tmp_path / "config.yaml").write_text(GENERATOR_CONFIG)
    generator = Path(sys.executable).with_name("openapi-python-client")
    _run(
        str(generator),
        "generate",
        "--path",
        str(schema),
        "--output-path",
        str(tmp_path / PACKAGE),
        "--meta",
        "none",
        "--config",
        "config.yaml",
        cwd=tmp_path,
    )
    script = tmp_path / "use_client.py"
    script.write_text(USE_CLIENT)
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    result = _run(sys.executable, str(script), live_server.url, PASSWORD, cwd=tmp_path, env=env)
    report = json.loads(result.stdout)
    assert report["failed_imports"] == []
    assert report["modules"] > 80
    assert report["company_filter_type"] == "int | Unset"
    assert report["titles"] == ["Bagerlærling"]


USE_CLIENT = """
import importlib, inspect, json, pkgutil, sys

import httpx

import nextwork_client
from nextwork_client import AuthenticatedClient, Client
from nextwork_client.api.auth import auth_token_create
from nextwork_client.api.slots import slots_list
from nextwork_client.models import TokenRequest

failed, modules = [], 0
for module in pkgutil.walk_packages(nextwork_client.__path__, "nextwork_client."):
    modules += 1
    try:
        importlib.import_module(module.name)
    except Exception as error:
        failed.append(f"{module.name}: {error!r}")

base_url, password = sys.argv[1], sys.argv[2]
timeout = httpx.Timeout(60)  # a busy test machine
login = auth_token_create.sync(
    client=Client(base_url=base_url, timeout=timeout),
    body=TokenRequest(username="baker", password=password),
)
client = AuthenticatedClient(base_url=base_url, token=login.token, prefix="Token", timeout=timeout)
page = slots_list.sync(client=client)
annotation = inspect.signature(slots_list.sync).parameters["company"].annotation
print(json.dumps({
    "failed_imports": failed,
    "modules": modules,
    "company_filter_type": str(annotation).replace("nextwork_client.types.", ""),
    "titles": [slot.title for slot in page.results],
}))
"""


def test_generated_typescript_types_compile_strictly(schema, tmp_path):
    generator = npm_package("openapi-typescript") / "bin" / "cli.js"
    tsc = npm_package("typescript") / "bin" / "tsc"
    _run(node(), str(generator), str(schema), "--output", "schema.d.ts", cwd=tmp_path)
    (tmp_path / "use.ts").write_text(USE_TYPES)
    _run(
        node(),
        str(tsc),
        "--strict",
        "--noEmit",
        "--target",
        "es2020",
        "use.ts",
        "schema.d.ts",
        cwd=tmp_path,
    )


USE_TYPES = """
import type { components, paths } from "./schema";

type SlotQuery = NonNullable<paths["/api/v1/slots/"]["get"]["parameters"]["query"]>;
type SlotPath = paths["/api/v1/slots/{id}/"]["get"]["parameters"]["path"];
type SlotPage =
  paths["/api/v1/slots/"]["get"]["responses"][200]["content"]["application/json"];

export const query: SlotQuery = { company: 1, municipality: 2, hours: 10, status: "open" };
export const path: SlotPath = { id: 3 };
// @ts-expect-error an id is a number, not a string
export const wrongPath: SlotPath = { id: "3" };
// @ts-expect-error a company filter is a number, not a string
export const wrongQuery: SlotQuery = { company: "1" };
export function titles(page: SlotPage): string[] {
  return page.results.map((slot: components["schemas"]["Slot"]) => slot.title);
}
"""
