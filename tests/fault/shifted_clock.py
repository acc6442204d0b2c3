"""pytest plugin for runs under libfaketime (scripts/shifted-clock): says which date the run
sees, refuses to run when the clock is not shifted, and makes time.sleep work. libfaketime
0.9.10 answers Python's time.sleep (clock_nanosleep on the monotonic clock, absolute) with
EINVAL when the monotonic clock is left alone (FAKETIME_DONT_FAKE_MONOTONIC=1), and faking the
monotonic clock too makes threading's timed waits hang (their deadline is computed on the faked
clock and waited on the real one). So the monotonic clock stays real and sleeping goes through a
timed wait, which does not touch that call."""
import datetime
import os
import threading
import time

import pytest


def _sleep(seconds):
    if seconds > 0:
        threading.Event().wait(seconds)


def pytest_configure(config):
    if "faketime" not in os.environ.get("LD_PRELOAD", "") or not os.environ.get("FAKETIME"):
        raise pytest.UsageError("-p shifted_clock is for runs under libfaketime "
                                "(scripts/shifted-clock)")
    time.sleep = _sleep


def pytest_report_header(config):
    now = datetime.datetime.now(datetime.timezone.utc)
    return f"clock shifted (FAKETIME={os.environ['FAKETIME']}): now {now:%Y-%m-%d %H:%M} UTC"
