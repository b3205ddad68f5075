"""dev.py, the developer's entry point: exit codes and a demo that cannot be loaded."""

import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load_dev(monkeypatch):
    spec = importlib.util.spec_from_file_location("dev_under_test", ROOT / "dev.py")
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # its dataclasses look themselves up
    spec.loader.exec_module(module)
    return module


def test_no_tests_collected_keeps_pytests_exit_code_5():
    # A mistyped -k must not pass. The .venv is already installed (stamped), so this only
    # starts pytest.
    result = subprocess.run(
        [
            *(sys.executable, "dev.py", "test", "-p", "no:cacheprovider"),
            *("-k", "no_such_test_zzz", "tests/portal/test_models.py"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 5, result.stdout + result.stderr
    assert "no tests were collected" in result.stderr


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
