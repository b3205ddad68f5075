#!/usr/bin/env python3
"""The developer's entry point: ``python3 dev.py run`` starts the product, ``test`` tests it.

Standard library only, so it works on a fresh machine that has nothing but Python 3.11+. It
keeps a virtual environment in .venv in step with the lock files, and passes the environment
(DATABASE_URL, REDIS_URL, PORT, ...) through to everything it starts.

    python3 dev.py run            migrate, load demo data, start the web, the Telegram stand-in
                                  (unless TELEGRAM_BOT_TOKEN is set) and the bot
    python3 dev.py test [ARGS]    run pytest with ARGS, on every core (-n0 for one process)
    python3 dev.py lock [ARGS]    regenerate requirements/*.lock (ARGS go to pip-compile,
                                  e.g. --upgrade or --upgrade-package django)
"""

from __future__ import annotations

import hashlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
# Which lock the venv was installed from, and a hash of everything that decides its contents.
STAMP = VENV / ".nextwork-installed"
PYPROJECT = ROOT / "pyproject.toml"
BASE_LOCK = ROOT / "requirements" / "base.lock"
DEV_LOCK = ROOT / "requirements" / "dev.lock"
# Written by later issues; each is run only once it exists.
DEMO_COMMAND = ROOT / "domain" / "management" / "commands" / "demo_data.py"
BOT_COMMAND = ROOT / "bot" / "management" / "commands" / "runbot.py"
WORKER_COMMAND = ROOT / "worker" / "management" / "commands" / "deliver.py"
HOST = "127.0.0.1"
STANDIN_PORT = 8081  # config/settings/telegram.py's default for TELEGRAM_STANDIN_PORT
STOP_GRACE_SECONDS = 10
INVITE_LINK = re.compile(r"https://t\.me/[A-Za-z0-9_]+\?start=([A-Za-z0-9_-]{1,64})")


@dataclass(frozen=True)
class Process:
    """A long-running process of the product, started with the venv's Python."""

    name: str
    args: tuple[str, ...]  # "{host}" and "{port}" are filled in
    # The processes after this one start once this port accepts connections (the bot needs
    # its Bot API before it can say hello).
    listens_on: int | None = None


# Channels' router has no lifespan handler; "off" spares uvicorn probing for one.
WEB = Process(
    "web",
    (
        *("-m", "uvicorn", "config.asgi:application"),
        *("--host", "{host}", "--port", "{port}", "--lifespan", "off"),
    ),
)


def standin_port(environ: Mapping[str, str]) -> int:
    try:
        return int(environ.get("TELEGRAM_STANDIN_PORT") or STANDIN_PORT)
    except ValueError:
        raise fail("TELEGRAM_STANDIN_PORT must be a number.", 2) from None


def settings_environment(dotenv: Path = ROOT / ".env") -> dict[str, str]:
    """The environment as the settings see it: os.environ over a local .env's KEY=VALUE lines
    (config/settings/env.py reads that file too, so a token kept there must count here)."""
    values: dict[str, str] = {}
    try:
        lines = dotenv.read_text(encoding="utf-8").splitlines()
    except OSError:
        lines = []
    for line in lines:
        key, sep, value = line.strip().removeprefix("export ").partition("=")
        if sep and key.strip() and not key.lstrip().startswith("#"):
            values[key.strip()] = value.strip().strip("'\"")
    return {**values, **os.environ}


def uses_standin(environ: Mapping[str, str]) -> bool:
    """Without a bot token the product talks to the loopback Telegram stand-in."""
    return not environ.get("TELEGRAM_BOT_TOKEN")


def processes(environ: Mapping[str, str]) -> list[Process]:
    """Everything `dev.py run` starts, in order: the web, the Telegram stand-in (without a
    token), then the bot and the outbox worker once their commands exist."""
    found: list[Process] = [WEB]
    if uses_standin(environ):
        port = standin_port(environ)
        found.append(Process("telegram", ("manage.py", "telegram_standin"), listens_on=port))
    if BOT_COMMAND.exists():
        found.append(Process("bot", ("manage.py", "runbot")))
    if WORKER_COMMAND.exists():
        found.append(Process("worker", ("manage.py", "deliver")))
    return found


def chat_links(demo: str, port: int) -> list[tuple[str, str]]:
    """(who, one-click link in the stand-in's web chat) for each invite link the demo printed;
    "who" is what the line says before the link (the youth's name), and the link carries it so
    the chat's header names the same person the bot greets."""
    links = []
    for line in demo.splitlines():
        for match in INVITE_LINK.finditer(line):
            who = line[: match.start()].strip()
            link = f"http://{HOST}:{port}/?start={match.group(1)}"
            if who:
                link += f"&name={quote(who)}"
            links.append((who or "invite", link))
    return links


# --- Output -------------------------------------------------------------------------------------


def step(message: str) -> None:
    print(f"==> {message}", flush=True)


def fail(message: str, code: int = 1) -> SystemExit:
    print(f"dev.py: {message}", file=sys.stderr, flush=True)
    return SystemExit(code)


# --- The virtual environment --------------------------------------------------------------------


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def fingerprint() -> str:
    digest = hashlib.sha256()
    for path in (PYPROJECT, BASE_LOCK, DEV_LOCK):
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.exists() else b"-")
    return digest.hexdigest()


def installed_profile() -> tuple[str, str]:
    try:
        profile, digest = STAMP.read_text().split()
    except (OSError, ValueError):
        return "", ""
    return profile, digest


def call(cmd: list[str | Path], what: str) -> None:
    """Run a setup command in the repository; stop with its exit code if it fails."""
    code = subprocess.call([str(part) for part in cmd], cwd=ROOT)
    if code != 0:
        raise fail(f"{what} failed (exit code {code}).", code)


def ensure_venv() -> Path:
    python = venv_python()
    if not python.exists():
        step("Creating the virtual environment in .venv …")
        code = subprocess.call([sys.executable, "-m", "venv", str(VENV)])
        if code != 0 or not python.exists():
            raise fail(
                "could not create .venv. On Debian/Ubuntu install the venv module first: "
                "sudo apt install python3-venv"
            )
    return python


def ensure_installed(profile: str) -> Path:
    """Install the project and its "base" or "dev" dependencies unless already up to date.

    The dev lock holds everything in the base lock, so a venv installed for tests also runs
    the product without reinstalling.
    """
    python = ensure_venv()
    current = fingerprint()
    have_profile, have_digest = installed_profile()
    if have_digest == current and have_profile in (profile, "dev"):
        return python

    lock = DEV_LOCK if profile == "dev" else BASE_LOCK
    step("Installing dependencies (first run takes a minute) …")
    pip = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    if lock.exists():
        call([*pip, "-r", lock], "Installing dependencies")
        call([*pip, "--no-deps", "-e", "."], "Installing the project")
    else:
        # Only before the first `dev.py lock`: resolve from pyproject.toml directly.
        extra = "[dev]" if profile == "dev" else ""
        call([*pip, "-e", f".{extra}"], "Installing the project")
    STAMP.write_text(f"{profile} {current}\n")
    return python


# --- Commands -----------------------------------------------------------------------------------


def run_foreground(cmd: list[str | Path]) -> int:
    """Run a command to completion; Ctrl-C reaches it from the terminal, SIGTERM is passed on."""
    proc = subprocess.Popen([str(part) for part in cmd], cwd=ROOT)

    def forward(signum: int, _frame: object) -> None:
        if signum != signal.SIGINT:  # the terminal already sent SIGINT to the whole group
            proc.send_signal(signum)

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        return proc.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def parallel(args: list[str]) -> list[str]:
    """pytest's arguments with the tests spread over every core (pytest-xdist: one worker per
    core, each with its own test database; idle workers take tests from busy ones), unless
    the arguments already decide: -n/--numprocesses, -p no:xdist, or a debugger."""
    decided = ("-n", "--numprocesses", "--pdb", "--trace", "no:xdist", "-pno:xdist")
    if any(arg.startswith(decided) for arg in args):
        return args
    return ["-n", "auto", "--dist", "worksteal", *args]


def cmd_test(args: list[str]) -> int:
    python = ensure_installed("dev")
    step("Running the tests …")
    code = run_foreground([python, "-m", "pytest", *parallel(args)])
    if code == 5:  # pytest's "no tests collected": kept, so a mistyped -k does not pass
        print(
            "dev.py: no tests were collected — check your -k / path (exit code 5).",
            file=sys.stderr,
        )
    return code


def cmd_lock(args: list[str]) -> int:
    python = ensure_installed("dev")  # pip-tools lives in the dev extra
    env = {**os.environ, "CUSTOM_COMPILE_COMMAND": "python3 dev.py lock"}
    # No index URLs or find-links in the files: they are this machine's pip configuration.
    compile_ = [
        *(str(python), "-m", "piptools", "compile", "--quiet", "--strip-extras"),
        *("--no-emit-index-url", "--no-emit-find-links", *args),
    ]
    for lock, extra in ((BASE_LOCK, []), (DEV_LOCK, ["--extra", "dev"])):
        step(f"Writing {lock.relative_to(ROOT)} …")
        rel = str(lock.relative_to(ROOT))
        code = subprocess.call([*compile_, *extra, "-o", rel, "pyproject.toml"], cwd=ROOT, env=env)
        if code != 0:
            return code
    return 0


def load_demo_data(python: Path) -> str | None:
    """Run the demo_data command if the project has one; return what it printed (the logins).

    A demo that cannot be loaded (e.g. its usernames are taken) is only a warning: the product
    still starts, and None says the demo is missing.
    """
    if not DEMO_COMMAND.exists():
        return ""
    step("Loading demo data …")
    result = subprocess.run(
        [str(python), "manage.py", "demo_data"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        sys.stdout.write(result.stdout)
        message = result.stderr.strip() or "(no message)"
        print(
            f"dev.py: warning: loading demo data failed (exit code {result.returncode}); "
            f"starting without it.\n{message}",
            file=sys.stderr,
            flush=True,
        )
        return None
    sys.stderr.write(result.stderr)  # the command's log lines
    return result.stdout.strip()


def wait_for_port(port: int, procs: dict[str, subprocess.Popen], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and all(p.poll() is None for p in procs.values()):
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)


def exit_code(returncode: int) -> int:
    # A child killed by a signal reports -N; shells report that as 128 + N.
    return 128 - returncode if returncode < 0 else returncode


class Supervisor:
    """Starts the processes, forwards Ctrl-C and SIGTERM to them, stops all when one dies."""

    def __init__(self, python: Path, port: int, processes: list[Process]) -> None:
        self.python = python
        self.port = port
        self.processes = processes
        self.procs: dict[str, subprocess.Popen] = {}
        self.stop_signal: int | None = None

    def start(self) -> None:
        # Own process groups: a Ctrl-C in the terminal reaches only us, and we pass it on
        # exactly once (a second SIGINT makes uvicorn skip its graceful shutdown).
        isolate = {"process_group": 0} if os.name == "posix" else {}
        for process in self.processes:
            args = [a.format(host=HOST, port=self.port) for a in process.args]
            self.procs[process.name] = subprocess.Popen(
                [str(self.python), *args], cwd=ROOT, **isolate
            )
            if process.listens_on is not None:
                wait_for_port(process.listens_on, self.procs)

    def on_signal(self, signum: int, _frame: object) -> None:
        if self.stop_signal is not None:  # asked twice: stop waiting
            for proc in self.procs.values():
                if proc.poll() is None:
                    proc.kill()
            return
        self.stop_signal = signum  # supervise() stops everyone, in order

    def stop_all(self, signum: int = signal.SIGTERM) -> None:
        """Stop the last started first: the bot leaves the stand-in before the stand-in goes
        (else its farewell getUpdates fails loudly), each process signalled exactly once."""
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for proc in reversed(list(self.procs.values())):
            if proc.poll() is None:
                proc.send_signal(signum)
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def supervise(self) -> int:
        while True:
            if self.stop_signal is not None:
                print("\n==> Stopping …", flush=True)
                self.stop_all(self.stop_signal)
                return 0
            for name, proc in self.procs.items():
                if proc.poll() is not None:
                    code = exit_code(proc.returncode)
                    print(f"dev.py: {name} exited (code {code}); stopping the others.", flush=True)
                    self.stop_all()
                    return code or 1
            time.sleep(0.2)


def cmd_run(args: list[str]) -> int:
    if args:
        raise fail(f"`run` takes no arguments (got {' '.join(args)}); set PORT=… to move it.", 2)
    try:
        port = int(os.environ.get("PORT", "8000"))
    except ValueError:
        raise fail("PORT must be a number.", 2) from None
    environ = settings_environment()
    started = processes(environ)
    python = ensure_installed("base")
    step("Migrating the database …")
    call([python, "manage.py", "migrate", "--noinput", "--verbosity", "0"], "Migrating")
    demo = load_demo_data(python)

    step(f"Starting {', '.join(p.name for p in started)} …")
    supervisor = Supervisor(python, port, started)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, supervisor.on_signal)
    try:
        supervisor.start()
        wait_for_port(port, supervisor.procs)
        if all(p.poll() is None for p in supervisor.procs.values()):
            print(banner(port, started, demo, environ), flush=True)
        return supervisor.supervise()
    finally:
        supervisor.stop_all()  # also on an unexpected error: never leave servers behind


def live_path(environ: Mapping[str, str]) -> str:
    """How the bot's and the worker's changes reach open pages (config/settings/channels.py)."""
    if environ.get("REDIS_URL"):
        return "through Redis (REDIS_URL)"
    if environ.get("NEXTWORK_LIVE_RELAY", "").lower() in ("0", "false", "no", "off"):
        return "this process only (NEXTWORK_LIVE_RELAY is off)"
    return "through the database (no Redis needed)"


def banner(port: int, started: list[Process], demo: str | None, environ: Mapping[str, str]) -> str:
    """What a newcomer needs once everything runs: where to click, and the demo logins."""
    lines = [
        "",
        "NExTWORK is running:",
        f"  portal          http://{HOST}:{port}/",
        f"  API docs        http://{HOST}:{port}/api/docs/",
        f"  admin           http://{HOST}:{port}/admin/",
        f"  health          http://{HOST}:{port}/health/",
    ]
    debug = environ.get("DJANGO_DEBUG", "1").lower() not in ("0", "false", "no", "off")
    if debug and not (environ.get("EMAIL_URL") or environ.get("EMAIL_HOST")):
        lines.append(f"  mailbox         http://{HOST}:{port}/postkasse/  (the e-mails sent)")
    names = {process.name for process in started}
    chat_port = standin_port(environ)
    if "telegram" in names:
        lines.append(f"  bot chat        http://{HOST}:{chat_port}/  (a stand-in for Telegram)")
    elif "bot" in names:
        lines.append("  bot             on Telegram (TELEGRAM_BOT_TOKEN is set)")
    if "bot" not in names:
        lines.append("  (the bot itself starts here once bot/management/commands/runbot.py exists)")
    lines.append(f"  live pages      {live_path(environ)}")
    if demo is None:
        lines += ["", "Demo data was not loaded: see the warning above."]
    elif demo:
        lines += ["", "Demo data:", *(f"  {line}".rstrip() for line in demo.splitlines())]
        links = chat_links(demo, chat_port) if "telegram" in names else []
        if links:
            width = max(len(who) for who, _ in links)
            lines += ["", "Be a demo youth in the bot chat, one click each:"]
            lines += [f"  {who:<{width}}  {chat}" for who, chat in links]
    else:
        lines += [
            "",
            "No demo logins yet; create one with:",
            "  .venv/bin/python manage.py createsuperuser",
        ]
    lines += ["", "Press Ctrl-C to stop.", ""]
    return "\n".join(lines)


COMMANDS = {"run": cmd_run, "test": cmd_test, "lock": cmd_lock}


def main(argv: list[str]) -> int:
    # Run by whatever python3 the machine has, not only the one pyproject.toml targets.
    if sys.version_info < (3, 11):  # noqa: UP036
        print("dev.py needs Python 3.11 or newer.", file=sys.stderr)
        return 1
    if not argv or argv[0] not in COMMANDS:
        print(__doc__.strip().split("\n\n", 2)[-1], file=sys.stderr)
        return 2
    os.chdir(ROOT)
    try:
        return COMMANDS[argv[0]](argv[1:])
    except KeyboardInterrupt:
        print("\ndev.py: interrupted.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
