"""dev.py, the developer's entry point: exit codes and a demo that cannot be loaded."""

import importlib.util
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def load_dev(monkeypatch):
    spec = importlib.util.spec_from_file_location("dev_under_test", ROOT / "dev.py")
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # its dataclasses look themselves up
    spec.loader.exec_module(module)
    return module


def test_no_tests_collected_keeps_pytests_exit_code_5(monkeypatch, capfd):
    # A mistyped -k must not pass. pytest runs as dev.py's child, as always, under xdist (-n 1:
    # its exit code is what the parallel default returns); the .venv is taken as installed.
    dev = load_dev(monkeypatch)
    monkeypatch.setattr(dev, "ensure_installed", lambda profile: Path(sys.executable))
    args = ["-n", "1", "-p", "no:cacheprovider", "-k", "no_such_test_zzz"]
    code = dev.cmd_test([*args, "tests/domain/test_models.py"])
    assert code == 5, capfd.readouterr()
    assert "no tests were collected" in capfd.readouterr().err


def test_the_tests_run_on_every_core_unless_the_arguments_decide(monkeypatch):
    dev = load_dev(monkeypatch)
    assert dev.parallel(["-k", "slots"]) == ["-n", "auto", "--dist", "worksteal", "-k", "slots"]
    for decided in (["-n0"], ["-n", "3"], ["--numprocesses=2"], ["-p", "no:xdist"], ["--pdb"]):
        assert dev.parallel([*decided, "tests/test_dev.py"]) == [*decided, "tests/test_dev.py"]


def test_a_failing_demo_data_is_a_warning_and_the_server_still_starts(monkeypatch, capsys):
    dev = load_dev(monkeypatch)
    monkeypatch.setattr(
        dev.subprocess,
        "run",
        lambda *a, **k: subprocess.CompletedProcess(
            a[0], 1, "Loading demo data…\n", "CommandError: The demo usernames mette are taken.\n"
        ),
    )
    assert dev.load_demo_data(Path(sys.executable)) is None
    err = capsys.readouterr().err
    assert "warning" in err
    assert "The demo usernames mette are taken." in err


# --- The processes `run` starts -----------------------------------------------------------------


def names(processes):
    return [process.name for process in processes]


def test_without_a_token_the_standin_starts_and_is_waited_for(monkeypatch, tmp_path):
    dev = load_dev(monkeypatch)
    monkeypatch.setattr(dev, "BOT_COMMAND", tmp_path / "runbot.py")
    monkeypatch.setattr(dev, "WORKER_COMMAND", tmp_path / "deliver.py")
    started = dev.processes({})
    assert names(started) == ["web", "telegram"]
    assert started[1].args == ("manage.py", "telegram_standin")
    assert started[1].listens_on == 8081
    assert dev.processes({"TELEGRAM_STANDIN_PORT": "9099"})[1].listens_on == 9099


def test_a_token_means_real_telegram_and_no_standin(monkeypatch, tmp_path):
    dev = load_dev(monkeypatch)
    monkeypatch.setattr(dev, "BOT_COMMAND", tmp_path / "runbot.py")
    monkeypatch.setattr(dev, "WORKER_COMMAND", tmp_path / "deliver.py")
    assert names(dev.processes({"TELEGRAM_BOT_TOKEN": "1:real"})) == ["web"]


def test_the_bot_and_the_worker_join_once_their_commands_exist(monkeypatch, tmp_path):
    dev = load_dev(monkeypatch)
    (tmp_path / "runbot.py").write_text("")
    (tmp_path / "deliver.py").write_text("")
    monkeypatch.setattr(dev, "BOT_COMMAND", tmp_path / "runbot.py")
    monkeypatch.setattr(dev, "WORKER_COMMAND", tmp_path / "deliver.py")
    started = dev.processes({})
    assert names(started) == ["web", "telegram", "bot", "worker"]
    assert started[2].args == ("manage.py", "runbot")
    assert started[3].args == ("manage.py", "deliver")


def test_a_bad_standin_port_is_a_clear_error(monkeypatch):
    dev = load_dev(monkeypatch)
    try:
        dev.processes({"TELEGRAM_STANDIN_PORT": "eighty"})
    except SystemExit as exit_:
        assert exit_.code == 2
    else:
        raise AssertionError("expected SystemExit")


def test_a_token_in_dotenv_counts_and_the_environment_wins(monkeypatch, tmp_path):
    dev = load_dev(monkeypatch)
    dotenv = tmp_path / ".env"
    dotenv.write_text("# local\nTELEGRAM_BOT_TOKEN='1:from-file'\nexport PORT=9000\nnot a line\n")
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.setenv("PORT", "8001")
    environ = dev.settings_environment(dotenv)
    assert environ["TELEGRAM_BOT_TOKEN"] == "1:from-file"
    assert environ["PORT"] == "8001"
    assert dev.settings_environment(tmp_path / "missing")["PORT"] == "8001"


def test_the_supervisor_starts_the_bot_only_after_the_standin_listens(monkeypatch):
    dev = load_dev(monkeypatch)
    events = []

    class FakePopen:
        def __init__(self, cmd, **kwargs):
            events.append(("start", cmd[2] if len(cmd) > 2 else cmd[1]))

        def poll(self):
            return None

    monkeypatch.setattr(dev.subprocess, "Popen", FakePopen)
    monkeypatch.setattr(dev, "wait_for_port", lambda port, procs: events.append(("wait", port)))
    started = [
        dev.Process("telegram", ("manage.py", "telegram_standin"), listens_on=8123),
        dev.Process("bot", ("manage.py", "runbot")),
    ]
    dev.Supervisor(Path(sys.executable), 8000, started).start()
    assert events == [("start", "telegram_standin"), ("wait", 8123), ("start", "runbot")]


def test_the_banner_links_each_demo_invite_into_the_bot_chat(monkeypatch):
    dev = load_dev(monkeypatch)
    demo = (
        "Consultant: mette / demo-pass\n"
        "Youth invites:\n"
        "  Amal  https://t.me/nextwork_demo_bot?start=AbC_12-x\n"
        "  Jonas https://t.me/nextwork_demo_bot?start=zz9\n"
    )
    started = [dev.WEB, dev.Process("telegram", ("manage.py", "telegram_standin"), 8081)]
    text = dev.banner(8000, started, demo, {})
    assert "bot chat        http://127.0.0.1:8081/" in text
    # The name rides along, so the chat's header says who the bot greets.
    assert "  Amal   http://127.0.0.1:8081/?start=AbC_12-x&name=Amal" in text
    assert "  Jonas  http://127.0.0.1:8081/?start=zz9&name=Jonas" in text
    assert "Consultant: mette / demo-pass" in text
    with_token = dev.banner(8000, [dev.WEB], demo, {"TELEGRAM_BOT_TOKEN": "1:x"})
    assert "127.0.0.1:8081" not in with_token  # no stand-in, no chat links
    assert "https://t.me/nextwork_demo_bot?start=AbC_12-x" in with_token


def test_the_supervisor_runs_the_real_standin_and_stops_it(monkeypatch):
    dev = load_dev(monkeypatch)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    standin = dev.Process(
        "telegram", ("manage.py", "telegram_standin", "--port", str(port)), listens_on=port
    )
    supervisor = dev.Supervisor(Path(sys.executable), 8000, [standin])
    try:
        supervisor.start()
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass  # start() returned only once it listened
    finally:
        supervisor.stop_all()
    assert supervisor.procs["telegram"].returncode == 0


def test_stop_all_stops_the_last_started_first_and_signals_each_once(monkeypatch):
    dev = load_dev(monkeypatch)
    events = []

    class FakeProc:
        def __init__(self, name):
            self.name = name
            self.returncode = None

        def poll(self):
            return self.returncode

        def send_signal(self, signum):
            events.append(("signal", self.name, signum))

        def wait(self, timeout=None):
            events.append(("exited", self.name))
            self.returncode = 0
            return 0

    supervisor = dev.Supervisor(Path(sys.executable), 8000, [])
    supervisor.procs = {name: FakeProc(name) for name in ("web", "telegram", "bot")}
    supervisor.on_signal(signal.SIGINT, None)  # only noted: supervise() does the stopping
    assert events == []
    supervisor.stop_all(signal.SIGINT)
    assert events == [
        ("signal", "bot", signal.SIGINT),
        ("exited", "bot"),
        ("signal", "telegram", signal.SIGINT),
        ("exited", "telegram"),
        ("signal", "web", signal.SIGINT),
        ("exited", "web"),
    ]


@pytest.mark.parametrize(
    ("environ", "says"),
    [
        ({}, "through the database (no Redis needed)"),
        ({"REDIS_URL": "redis://127.0.0.1:6379/0"}, "through Redis (REDIS_URL)"),
        ({"NEXTWORK_LIVE_RELAY": "0"}, "this process only"),
    ],
)
def test_the_banner_says_how_live_pages_hear_of_the_bot_and_the_worker(monkeypatch, environ, says):
    dev = load_dev(monkeypatch)
    assert f"  live pages      {says}" in dev.banner(8000, [dev.WEB], "", environ)
