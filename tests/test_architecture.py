"""The code's shape, checked from its source with ``ast``: layers point one way (interfaces →
services → selectors → models), and no outbox row is written outside the outbox's own services.

Each checker is also run on a small planted source, so a checker that stopped seeing anything
would fail here rather than pass quietly.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from domain.models import OutboxMessage

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("domain", "portal", "api", "bot", "worker", "standin", "config")


def project_files() -> Iterator[Path]:
    """Every Python file of the project's packages, migrations left out (they are history)."""
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts and "__pycache__" not in path.parts:
                yield path


def module_of(path: str) -> str:
    """``domain/services/outbox.py`` → ``domain.services.outbox`` (a package's ``__init__``
    is the package)."""
    parts = list(Path(path).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_module(name: str) -> bool:
    base = ROOT.joinpath(*name.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


# --- layers ---------------------------------------------------------------------------------------

# A module belongs to the layer of the longest prefix that names it.
LAYERS = {
    "domain": "domain low",  # policy, audit, locking, tokens, events, apps: the domain's own tools
    "domain.exceptions": "domain base",
    "domain.timeutils": "domain base",
    "domain.display": "domain base",
    "domain.validators": "domain base",
    "domain.models": "models",
    "domain.selectors": "selectors",
    "domain.services": "services",
    "domain.management": "domain commands",
    "domain.migrations": "migrations",
    "portal": "portal",
    "api": "api",
    "bot": "bot",
    "worker": "worker",
    "standin": "standin",
    "config": "config",
}
DOMAIN = frozenset({"domain base", "domain low", "models", "selectors", "services"})
INTERFACE = DOMAIN  # an interface calls services and selectors, and names models and errors

# What each layer may import besides itself. Anything else is against the direction.
ALLOWED: dict[str, frozenset[str]] = {
    # Plain Python and Django: every other layer may use them.
    "domain base": frozenset(),
    # Models know only the validators and the time helpers.
    "models": frozenset({"domain base"}),
    # The audit writer, the locks, the token hashes, the policy and the event bus: low enough
    # for selectors, so they read models and never reach up.
    "domain low": frozenset({"models", "domain base"}),
    # Reads scoped by their caller: never a service.
    "selectors": frozenset({"models", "domain low", "domain base"}),
    # The only code that writes: reads through selectors or models.
    "services": frozenset({"selectors", "models", "domain low", "domain base"}),
    # The interfaces: the domain's management commands, the web pages, the REST API, the bot
    # and the delivery worker. None of them imports another (see EDGES for the exceptions).
    "domain commands": INTERFACE,
    "portal": INTERFACE,
    "api": INTERFACE,
    "bot": INTERFACE,
    "worker": INTERFACE,
    # A stand-in for Telegram: it knows nothing of the product it serves.
    "standin": frozenset(),
    # Settings, URLs and ASGI routing put every part together.
    "config": frozenset(LAYERS.values()) - {"migrations"},
    "migrations": frozenset(),
}

# Single modules a layer may import across the table, each with its reason.
EDGES = {
    ("worker", "bot.delivery"): "the worker renders the rows it sends with the bot's texts",
    ("worker", "bot.runner"): "the worker runs as a Telegram process like runbot, with the same "
    "connection policy and HTTP logging",
    ("worker", "portal.emails"): "the worker writes the e-mails it sends with the portal's texts "
    "and links (an e-mail points at the portal page that acts on it)",
}


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        layer = LAYERS.get(".".join(parts[:end]))
        if layer is not None:
            return layer
    return None


def _imported(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> list[str]:
    """The project modules an import statement loads (``from a import b``: ``a.b`` when ``b``
    is a module, else ``a``)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        package = module.split(".") if is_package else module.split(".")[:-1]
        package = package[: len(package) - (node.level - 1)]
        base = ".".join([*package, *([node.module] if node.module else [])])
    else:
        base = node.module or ""
    found = [f"{base}.{alias.name}" for alias in node.names if _is_module(f"{base}.{alias.name}")]
    return found if len(found) == len(node.names) else [base, *found]


def import_violations(path: str, source: str) -> list[str]:
    """Every import in ``source`` (the file ``path``, relative to the repository) that goes
    against the table, as ``file:line imports X (layer A → layer B not allowed)``. Imports
    inside functions and ``TYPE_CHECKING`` blocks count as well."""
    module = module_of(path)
    layer = layer_of(module)
    allowed = ALLOWED[layer]
    found = []
    for node in ast.walk(ast.parse(source, path)):
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        for name in _imported(node, module, path.endswith("__init__.py")):
            target = layer_of(name)
            if target is None or target == layer or target in allowed:
                continue
            if any(layer == src and (name + ".").startswith(edge + ".") for src, edge in EDGES):
                continue
            found.append(f"{path}:{node.lineno} imports {name} ({layer} → {target} not allowed)")
    return found


def test_the_layers_point_one_way():
    violations = [
        line
        for path in project_files()
        for line in import_violations(str(path.relative_to(ROOT)), path.read_text())
    ]
    assert not violations, "\n".join(violations)


def test_the_layer_check_catches_an_import_against_the_direction():
    planted = """\
from domain.models import Youth
from domain.selectors.outbox import outbox_queue_summary
from domain.services.outbox import outbox_push


def later():
    from portal import views
    import bot.keyboards
"""
    assert import_violations("domain/selectors/planted.py", planted) == [
        "domain/selectors/planted.py:3 imports domain.services.outbox"
        " (selectors → services not allowed)",
        "domain/selectors/planted.py:7 imports portal.views (selectors → portal not allowed)",
        "domain/selectors/planted.py:8 imports bot.keyboards (selectors → bot not allowed)",
    ]
    assert import_violations("standin/planted.py", "from domain import events\n") == [
        "standin/planted.py:1 imports domain.events (standin → domain low not allowed)"
    ]
    # The worker's own exception is for it alone, and only for rendering and running.
    worker = "from bot import delivery, keyboards\nfrom bot.delivery import render\n"
    assert import_violations("worker/planted.py", worker) == [
        "worker/planted.py:1 imports bot.keyboards (worker → bot not allowed)"
    ]
    assert import_violations("api/planted.py", "from bot.delivery import render\n") == [
        "api/planted.py:1 imports bot.delivery (api → bot not allowed)"
    ]
    # Relative imports resolve against the file's package.
    assert import_violations("domain/models/planted.py", "from ..services import outbox\n") == [
        "domain/models/planted.py:1 imports domain.services.outbox (models → services not allowed)"
    ]


# --- outbox writes --------------------------------------------------------------------------------

# Where outbox rows may be written: the outbox's own services, and nowhere else (the other
# services call them).
OUTBOX_WRITERS = (
    "domain/services/outbox.py",
    "domain/services/delivery.py",
    "domain/services/mail.py",
)
WRITES = frozenset(
    name
    for write in (
        "create",
        "bulk_create",
        "bulk_update",
        "update",
        "update_or_create",
        "get_or_create",
        "delete",
        "save",
    )
    for name in (write, f"a{write}")  # and the async forms
)
# Steps that keep an expression a queryset, or a row, of the model.
QUERYSET = frozenset(
    {
        "all",
        "filter",
        "exclude",
        "get",
        "first",
        "last",
        "earliest",
        "latest",
        "select_related",
        "prefetch_related",
        "select_for_update",
        "order_by",
        "only",
        "defer",
        "annotate",
        "alias",
        "distinct",
        "using",
        "none",
        "reverse",
        "in_bulk",
    }
)
MANAGERS = frozenset({"objects", "_default_manager", "_base_manager"})
UNWRAP = frozenset({"list", "sorted", "reversed", "iter", "next", "tuple"})


def _reverse_accessors() -> frozenset[str]:
    """``youth.outbox`` and the like: the managers of the model's rows on related objects."""
    return frozenset(
        field.remote_field.get_accessor_name()
        for field in OutboxMessage._meta.get_fields()
        if field.many_to_one and field.concrete
    )


def _raw_sql(table: str) -> re.Pattern:
    return re.compile(rf"\b(update|insert\s+into|delete\s+from)\s+[\"'`]?{table}\b", re.I)


class _OutboxWrites:
    """Finds the writes to the model's rows in one file: a write method called on the model, its
    managers and querysets, one of its rows (made, fetched, iterated or annotated as one), a
    related object's manager of them, or SQL that changes its table."""

    def __init__(self, tree: ast.Module, *, model: str, accessors: frozenset[str], table: str):
        self.accessors = accessors
        self.sql = _raw_sql(table)
        self.models = {model}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                self.models |= {a.asname for a in node.names if a.name == model and a.asname}
        self.tree = tree

    def _is_model(self, node: ast.expr) -> bool:
        if isinstance(node, ast.Name):
            return node.id in self.models
        return isinstance(node, ast.Attribute) and node.attr in self.models

    def _annotated(self, annotation: ast.expr | None) -> bool:
        if annotation is None:
            return False
        text = ast.unparse(annotation)
        return any(re.search(rf"\b{re.escape(m)}\b", text) for m in self.models)

    def rows(self, node: ast.expr, tainted: set[str]) -> bool:
        """Is ``node`` the model's manager, a queryset of it, or one of its rows?"""
        if isinstance(node, ast.Name):
            return node.id in tainted or node.id in self.models
        if isinstance(node, ast.Attribute):
            if self._is_model(node) or node.attr in self.accessors:
                return True
            return node.attr in MANAGERS and self.rows(node.value, tainted)
        if isinstance(node, ast.Subscript | ast.Await):
            return self.rows(node.value, tainted)
        if isinstance(node, ast.Call):
            func = node.func
            if self._is_model(func):
                return True  # a new row
            if isinstance(func, ast.Attribute) and func.attr in QUERYSET:
                return self.rows(func.value, tainted)
            if isinstance(func, ast.Name) and func.id in UNWRAP and node.args:
                return self.rows(node.args[0], tainted)
        return False

    def _taint(self, scope: ast.AST, tainted: set[str]) -> set[str]:
        """The names in ``scope`` bound to the model's rows (two passes: a name may be bound
        from another bound after it in the source)."""
        tainted = set(tainted)
        for _ in range(2):
            for node in ast.walk(scope):
                if isinstance(node, ast.Assign | ast.AnnAssign | ast.NamedExpr):
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    value = node.value
                    bound = value is not None and self.rows(value, tainted)
                    if isinstance(node, ast.AnnAssign):
                        bound = bound or self._annotated(node.annotation)
                    if bound:
                        tainted |= {t.id for t in targets if isinstance(t, ast.Name)}
                elif isinstance(node, ast.For | ast.AsyncFor | ast.comprehension):
                    if self.rows(node.iter, tainted) and isinstance(node.target, ast.Name):
                        tainted.add(node.target.id)
                elif isinstance(node, ast.arg) and self._annotated(node.annotation):
                    tainted.add(node.arg)
        return tainted

    def lines(self) -> list[int]:
        module_level = ast.Module(
            body=[
                n
                for n in self.tree.body
                if not isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
            ],
            type_ignores=[],
        )
        found = self._check(self.tree, self._taint(module_level, set()), set())
        return sorted(found)

    def _check(self, scope: ast.AST, tainted: set[str], found: set[int]) -> set[int]:
        for node in ast.iter_child_nodes(scope):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                self._check(node, self._taint(node, tainted), found)
                continue
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in WRITES
                and self.rows(node.func.value, tainted)
            ) or (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and self.sql.search(node.value)
            ):
                found.add(node.lineno)
            self._check(node, tainted, found)
        return found


def outbox_write_lines(source: str) -> list[int]:
    """The lines of ``source`` that write outbox rows."""
    return _OutboxWrites(
        ast.parse(source),
        model=OutboxMessage.__name__,
        accessors=_reverse_accessors(),
        table=OutboxMessage._meta.db_table,
    ).lines()


def test_no_outbox_row_is_written_outside_the_services():
    writes = [
        f"{name}:{line} writes outbox rows; call a service in {' or '.join(OUTBOX_WRITERS)}"
        for path in project_files()
        if not (name := str(path.relative_to(ROOT))).startswith(OUTBOX_WRITERS)
        for line in outbox_write_lines(path.read_text())
    ]
    assert not writes, "\n".join(writes)


def test_the_outbox_check_sees_the_services_own_writes():
    """The check recognises the idioms the services really use (else the test above would pass
    for a checker that sees nothing)."""
    source = (ROOT / "domain/services/delivery.py").read_text()
    assert len(outbox_write_lines(source)) >= 10
    assert outbox_write_lines((ROOT / "domain/services/outbox.py").read_text())


def test_the_outbox_check_catches_a_planted_write():
    planted = """\
from django.db import connection

from domain import models
from domain.models import OutboxMessage as Message


def retry_all(youth, ids):
    Message.objects.filter(recipient=youth).update(status="pending")
    rows = Message.objects.filter(recipient=youth).order_by("pk")
    rows.delete()
    for row in list(rows):
        row.save(update_fields=["status"])
    youth.outbox.all().update(attempts=0)
    models.OutboxMessage.objects.bulk_create([Message(recipient=youth)])
    Message(recipient=youth).save()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM portal_outboxmessage WHERE id = %s", ids)


async def later(message: Message | None):
    await message.asave()


def harmless(message: Message, form):
    message.payload.update({"seen": True})
    Message.objects.filter(pk=1).exists()
    form.save()
    return "admin:portal_outboxmessage_queue"
"""
    assert outbox_write_lines(planted) == [8, 10, 12, 13, 14, 15, 17, 21]
