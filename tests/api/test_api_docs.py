"""docs/API.md names every route the server serves (method and path, from the route table at
GET /api/v1/admin/routes), so the reference cannot fall behind the code."""
import pathlib
import re

import pytest

from test_identity import FAST_HASH, Api, smtp  # noqa: F401 (smtp is a fixture)

API_MD = pathlib.Path(__file__).resolve().parents[2] / "docs" / "API.md"
METHODS = "GET|POST|PUT|PATCH|DELETE|HEAD"


@pytest.fixture
def lite_api(start_server, sqlite_database, smtp, tmp_path):  # noqa: F811
    server = start_server(sqlite_database, f"--smtp-url=smtp://127.0.0.1:{smtp.port}", *FAST_HASH)
    return Api(server, smtp, tmp_path)


def shape(path):
    """A path with every parameter written `{}`, so `{id}` in the code matches `{patient_id}`."""
    return re.sub(r"\{[^}|]*\}", "{}", path.split("?")[0].rstrip("/") or "/")


def documented_routes(text):
    """(method, path shape) of every `METHOD /path` in the document. A segment written
    `{a|b|c}` (in tables `{a\\|b\\|c}`) stands for each of its words."""
    found = set()
    for method, path in re.findall(rf"\b({METHODS})\s+(/[^\s`?]*)", text.replace("\\|", "|")):
        variants = [""]
        for segment in path.strip("/").split("/"):
            words = segment[1:-1].split("|") if re.fullmatch(r"\{[^{}]*\|[^{}]*\}", segment) else [segment]
            variants = [f"{v}/{w}" for v in variants for w in words]
        found.update((method, shape(v or "/")) for v in variants)
    return found


def test_documented_routes_expand_alternatives():
    text = "| `GET /api/v1/patients/{patient_id}/{encounters\\|symptoms}?from=` |\n### `POST /x/{id}`"
    assert documented_routes(text) == {("GET", "/api/v1/patients/{}/encounters"),
                                       ("GET", "/api/v1/patients/{}/symptoms"),
                                       ("POST", "/x/{}")}


def test_every_route_is_in_the_api_reference(lite_api):
    admin, _ = lite_api.create_admin()
    status, _, table = lite_api.call("GET", "/api/v1/admin/routes", admin)
    assert status == 200
    served = {(r["method"], shape(r["path"])) for r in table["items"]}
    assert len(served) > 50, "the route table looks empty"
    documented = documented_routes(API_MD.read_text(encoding="utf-8"))
    missing = sorted(f"{method} {path}" for method, path in served - documented)
    assert not missing, "routes missing from docs/API.md:\n  " + "\n  ".join(missing)
