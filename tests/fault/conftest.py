"""The fault-injection suite reuses the API tests' harness (tests/api/conftest.py: the real
binary, its databases, the exit-code and sanitizer checks) instead of a copy: that file is loaded
under its own name and its fixtures and helpers are re-exported here, so `from conftest import …`
in tests/api modules (test_identity's Api) resolves to the same objects."""
import importlib.util
import pathlib
import sys

API_DIR = pathlib.Path(__file__).resolve().parents[1] / "api"
FAULT_DIR = pathlib.Path(__file__).resolve().parent
for folder in (API_DIR, FAULT_DIR):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

_spec = importlib.util.spec_from_file_location("api_conftest", API_DIR / "conftest.py")
api_conftest = importlib.util.module_from_spec(_spec)
sys.modules["api_conftest"] = api_conftest
_spec.loader.exec_module(api_conftest)

from api_conftest import *  # noqa: E402,F401,F403 (fixtures and helpers of tests/api)
from api_conftest import (  # noqa: E402,F401
    BIN, PG_ADMIN_URL, IN_CI, ROOT, Database, Server, stop_and_check, wait_until, psql)
