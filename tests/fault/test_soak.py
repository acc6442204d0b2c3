"""The short soak (scripts/soak): about 75 s of the mixed load at 70 % of the capacity measured
first, on SQLite; after a 30 s warm-up the server's resident memory and open file descriptors
stay flat (growth under a generous fixed margin), no request fails, and the server stops cleanly.
Latency is sampled and printed, not asserted (a shared machine's timing proves nothing). The
long run and its figures: docs/RELIABILITY.md."""
import json
import os
import subprocess
import sys

from conftest import ROOT

MINUTES = os.environ.get("VITALIS_SOAK_MINUTES", "1.25")


def test_memory_and_file_descriptors_stay_flat_under_a_steady_load(tmp_path):
    report = tmp_path / "soak.json"
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "soak"), f"--minutes={MINUTES}", "--warmup=30",
         "--sample=5", "--measure=5", "--max-rss-growth-mb=48", "--max-fd-growth=8",
         f"--json={report}"], capture_output=True, text=True, timeout=600)
    print(result.stdout[-4000:])
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    summary = json.loads(report.read_text())["summary"]
    assert summary["requests"] > 1000 and summary["errors"] == 0, summary
    assert summary["rss_growth_mib"] <= 48 and summary["fd_growth"] <= 8, summary
