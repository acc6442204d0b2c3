"""The API test harness's own checks can fail: a server that exits badly or prints a sanitizer
report fails its test (conftest.py), and so does an exception in a test's thread (pytest.ini)."""
import signal
import subprocess
import sys

from conftest import ROOT


def test_a_server_killed_or_reporting_a_sanitizer_finding_has_problems(lite_server):
    lite_server.signal(signal.SIGKILL)
    lite_server.stop()
    [problem] = lite_server.problems()
    assert "exited with -9, expected 0" in problem

    lite_server.expected_exit = None  # as a test that kills its server on purpose says
    assert lite_server.problems() == []
    lite_server.log_lines += ["", "==1==ERROR: AddressSanitizer: heap-use-after-free on address",
                              "READ of size 8 at 0x6020 thread T3"]
    [problem] = lite_server.problems()
    assert "sanitizer report" in problem and "READ of size 8" in problem
    lite_server.log_lines.clear()  # the finding was made up: let the teardown check pass


def test_a_clean_stop_has_no_problems(lite_server):
    assert lite_server.request("GET", "/healthz")[0] == 200
    lite_server.stop()
    assert lite_server.process.returncode == 0 and lite_server.problems() == []


def test_an_exception_in_a_tests_thread_fails_it(tmp_path):
    (tmp_path / "test_thread.py").write_text(
        "import threading\n"
        "def test_worker():\n"
        "    worker = threading.Thread(target=lambda: 1 / 0)\n"
        "    worker.start()\n"
        "    worker.join()\n")
    ini = ROOT / "tests" / "api" / "pytest.ini"
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                             "-c", str(ini), "--rootdir", str(tmp_path), str(tmp_path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1, result.stdout
    assert "1 failed" in result.stdout and "ZeroDivisionError" in result.stdout, result.stdout
