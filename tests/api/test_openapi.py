"""docs/openapi.yaml against the server it describes.

1. The document names exactly the routes of the live route table (GET /api/v1/admin/routes):
   nothing missing, nothing extra.
2. A realistic session against the real binary (the demo clinic; a patient, doctors and an
   administrator) calls every operation, errors included, and every JSON body is validated with
   the schema the document gives for that operation and status (and each error's code with its
   status); the request bodies the server accepted are validated against the documented ones.
   The schemas are closed (required fields, types, `additionalProperties` or
   `unevaluatedProperties: false`), so a renderer that adds, drops, renames or retypes a field
   fails here; the last tests show that on mutated copies.

Validation uses python3-jsonschema (Debian; scripts/install-deps): OpenAPI 3.1 schemas are JSON
Schema 2020-12. Set VITALIS_OPENAPI_DUMP=FILE to write every exchange of the session to FILE
(what the schemas were written from)."""
import copy
import datetime
import json
import os
import pathlib
import re
import subprocess

import jsonschema
import pytest
import yaml

from conftest import BIN, ROOT, Database, Server, stop_and_check, totp_code
from test_identity import FAST_HASH, PASSWORD, smtp_sink

SPEC_FILE = ROOT / "docs" / "openapi.yaml"
MODELS = ROOT / "models"
DATASETS = pathlib.Path(os.environ.get("VITALIS_DATASETS", ROOT.parent / "shared" / "datasets"))
DEMO_PASSWORD = "vitalis-demo-2026"
DEMO = "@demo.vitalis.test"
METHODS = ("get", "put", "post", "patch", "delete", "head", "options")
# Error statuses any operation may answer (malformed body, wrong media type, too large, no such
# method, a bug, the database down): described once, as each operation's `default` response.
GENERIC_ERRORS = {400, 405, 413, 415, 431, 500, 503}


def load_spec():
    return yaml.safe_load(SPEC_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def spec():
    return load_spec()


def shape(path):
    return re.sub(r"\{[^}]*\}", "{}", path)


def operations(spec):
    """(METHOD, path template) of every operation in the document."""
    return {(method.upper(), path) for path, item in spec["paths"].items()
            for method in item if method in METHODS}


def find_operation(spec, method, path):
    """The path template of the document that a concrete request path matches (literal segments
    win over parameters, as in the server's router)."""
    best = None
    for template, item in spec["paths"].items():
        if method.lower() not in item:
            continue
        pattern = "^" + re.sub(r"\\\{[^}]*\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path.split("?")[0]):
            literal = len(re.sub(r"\{[^}]*\}", "", template))
            if best is None or literal > best[0]:
                best = (literal, template)
    return best[1] if best else None


def response_schema(spec, method, template, status):
    """(schema or None, how it was found) for a JSON response of an operation."""
    responses = spec["paths"][template][method.lower()]["responses"]
    response = responses.get(str(status))
    found = "explicit"
    if response is None:
        if status not in GENERIC_ERRORS or "default" not in responses:
            return None, "undocumented"
        response, found = responses["default"], "default"
    while "$ref" in response:
        response = resolve(spec, response["$ref"])
    content = response.get("content", {})
    if "application/json" not in content:
        return None, "no-json"
    return content["application/json"]["schema"], found


def resolve(spec, ref):
    node = spec
    for part in ref.lstrip("#/").split("/"):
        node = node[part]
    return node


def validator(spec, schema):
    resolver = jsonschema.RefResolver("", spec)
    return jsonschema.Draft202012Validator(schema, resolver=resolver)


def errors_of(spec, schema, body):
    return sorted(validator(spec, schema).iter_errors(body),
                  key=lambda e: [str(part) for part in e.absolute_path])


# The error code of each status (docs/API.md, core/error.cpp).
ERROR_CODES = {400: {"malformed_request"}, 401: {"unauthenticated"}, 403: {"forbidden"},
               404: {"not_found"}, 405: {"method_not_allowed"}, 409: {"conflict"},
               413: {"payload_too_large"}, 415: {"unsupported_media_type"},
               422: {"validation_failed", "confirmation_required"}, 429: {"rate_limited"},
               500: {"internal_error"}, 503: {"unavailable"}}


# --- the session -----------------------------------------------------------------------------

class Session:
    """Calls the server as the people of the demo clinic do, recording every exchange."""

    def __init__(self, server, smtp):
        self.server = server
        self.smtp = smtp
        self.exchanges = []  # (method, path, status, content type, body or None, request body)
        self.tokens = {}

    def call(self, who, method, path, body=None, expect=None, headers=None, raw=None):
        headers = dict(headers or {})
        if who is not None:
            headers["Authorization"] = f"Bearer {self.tokens[who]}"
        if raw is not None:
            status, response_headers, data = self.server.request(method, path, body=raw,
                                                                 headers=headers)
        elif body is not None:
            status, response_headers, data = self.server.request(method, path, json_body=body,
                                                                 headers=headers)
        else:
            status, response_headers, data = self.server.request(method, path, headers=headers)
        content_type = response_headers.get("content-type", "")
        parsed = json.loads(data) if data and content_type.startswith("application/json") else None
        self.exchanges.append((method, path, status, content_type, parsed, body))
        if expect is not None:
            assert status == expect, f"{method} {path} -> {status}, expected {expect}: {parsed}"
        return parsed, response_headers

    def sign_in(self, who, address, password=DEMO_PASSWORD):
        body, headers = self.call(None, "POST", "/api/v1/auth/signin",
                                  {"email": address, "password": password}, 200)
        self.tokens[who] = body["access_token"]
        return body["account"]["id"], headers

    def code(self, address, subject_word, count=1):
        return self.smtp.code_for(address, subject_word, count)

    def run(self):
        for step in (self.platform, self.accounts, self.second_factor, self.administration, self.care_and_access,
                     self.records, self.clinical, self.monitoring, self.prediction,
                     self.care, self.pharmacy, self.chat, self.request_errors):
            step()

    # --- platform and identity ---
    def platform(self):
        self.call(None, "GET", "/healthz", expect=200)
        self.call(None, "GET", "/readyz", expect=200)
        self.call(None, "GET", "/metrics", expect=200)
        self.call(None, "GET", "/ws/echo", expect=401)

    def accounts(self):
        self.patient_id, headers = self.sign_in("patient", "patient" + DEMO)
        self.doctor_id, _ = self.sign_in("doctor", "doctor" + DEMO)
        self.endo_id, _ = self.sign_in("endo", "endo" + DEMO)
        self.gp_id, _ = self.sign_in("gp", "gp" + DEMO)
        self.admin_id, _ = self.sign_in("admin", "admin" + DEMO)
        self.call(None, "POST", "/api/v1/auth/signin",
                  {"email": "patient" + DEMO, "password": "not the password"}, 401)
        cookie = headers["set-cookie"].split(";")[0]
        self.call(None, "POST", "/api/v1/auth/refresh", headers={"Cookie": cookie}, expect=200)
        self.call(None, "POST", "/api/v1/auth/refresh", raw=b"", expect=204)
        self.call(None, "GET", "/api/v1/me", expect=401)
        self.call("patient", "GET", "/api/v1/me", expect=200)
        self.call("patient", "PATCH", "/api/v1/me", {"phone": "+351 912 345 678"}, 200)
        self.call("patient", "PATCH", "/api/v1/me", {"full_name": ""}, 422)
        self.call("doctor", "GET", "/api/v1/me", expect=200)
        self.call("patient", "GET", "/api/v1/doctors?query=okafor", expect=200)

        # A new patient: sign-up, confirmation, password change, email change, reset, sessions.
        new = "nina@example.org"
        self.call(None, "POST", "/api/v1/auth/signup/patient",
                  {"email": new, "password": PASSWORD, "full_name": "Nina Novak",
                   "date_of_birth": "1990-02-03", "sex": "female"}, 202)
        self.call(None, "POST", "/api/v1/auth/signup/patient",
                  {"email": "x@example.org", "password": PASSWORD, "full_name": "X",
                   "date_of_birth": "tomorrow", "sex": "female"}, 422)
        verified, _ = self.call(None, "POST", "/api/v1/auth/verify-email",
                                {"email": new, "code": self.code(new, "Confirm")}, 200)
        self.tokens["nina"] = verified["access_token"]
        self.nina_id = verified["account"]["id"]
        self.call(None, "POST", "/api/v1/auth/verify-email", {"email": new, "code": "000000"})
        self.call(None, "POST", "/api/v1/auth/resend-verification", {"email": new}, 202)
        self.call("nina", "POST", "/api/v1/auth/password",
                  {"current_password": "wrong", "new_password": "another sound passphrase"}, 422)
        self.call("nina", "POST", "/api/v1/auth/password",
                  {"current_password": PASSWORD, "new_password": "another sound passphrase"}, 204)
        moved = "nina.novak@example.org"
        self.call("nina", "POST", "/api/v1/me/email",
                  {"email": moved, "current_password": "another sound passphrase"}, 202)
        self.call("nina", "GET", "/api/v1/me", expect=200)  # with pending_email
        self.call("nina", "POST", "/api/v1/me/email/confirm",
                  {"code": self.code(moved, "new email")}, 200)
        self.call(None, "POST", "/api/v1/auth/password-reset/request", {"email": moved}, 202)
        self.call(None, "POST", "/api/v1/auth/password-reset/confirm",
                  {"email": moved, "code": self.code(moved, "Reset"), "new_password": PASSWORD},
                  200)
        self.sign_in("nina", moved, PASSWORD)
        self.sign_in("nina-phone", moved, PASSWORD)
        self.sign_in("nina-laptop", moved, PASSWORD)
        sessions, _ = self.call("nina", "GET", "/api/v1/me/sessions", expect=200)
        other = next(s["id"] for s in sessions["items"] if not s["current"])
        self.call("nina", "DELETE", f"/api/v1/me/sessions/{other}", expect=204)
        self.call("nina", "DELETE", "/api/v1/me/sessions/no-such-session", expect=404)
        self.call("nina", "POST", "/api/v1/me/sessions/end-others", expect=204)
        self.sign_in("nina-phone", moved, PASSWORD)
        self.call("nina-phone", "POST", "/api/v1/auth/signout", expect=204)
        self.call("nina", "POST", "/api/v1/auth/signout-everywhere", expect=204)
        self.call("nina", "GET", "/api/v1/me", expect=401)
        self.sign_in("nina", moved, PASSWORD)
        self.nina_email = moved

    def second_factor(self):
        # The demo administrator must set up two-step sign-in before anything else.
        self.call("admin", "GET", "/api/v1/admin/doctors", expect=403)
        self.call("admin", "GET", "/api/v1/me/second-factor", expect=200)
        enrolment, _ = self.call("admin", "POST", "/api/v1/me/second-factor/enrol", expect=200)
        step = int(datetime.datetime.now().timestamp() // 30)
        self.call("admin", "POST", "/api/v1/me/second-factor/confirm",
                  {"code": "12345"}, 422)
        self.call("admin", "POST", "/api/v1/me/second-factor/confirm",
                  {"code": totp_code(enrolment["secret"], step=step)}, 200)
        self.call("admin", "POST", "/api/v1/me/second-factor/disable",
                  {"password": DEMO_PASSWORD, "code": "123456"}, 403)
        self.call("admin", "POST", "/api/v1/me/second-factor/recovery-codes",
                  {"code": totp_code(enrolment["secret"], step=step + 1)}, 200)
        # A patient turns it on, signs in with it, renews the recovery codes and turns it off;
        # then on again, and an administrator resets it (a lost phone).
        enrolment, _ = self.call("nina", "POST", "/api/v1/me/second-factor/enrol", expect=200)
        secret = enrolment["secret"]
        codes, _ = self.call("nina", "POST", "/api/v1/me/second-factor/confirm",
                             {"code": totp_code(secret, step=step)}, 200)
        challenge, _ = self.call(None, "POST", "/api/v1/auth/signin",
                                 {"email": self.nina_email, "password": PASSWORD}, 200)
        self.call(None, "POST", "/api/v1/auth/second-factor",
                  {"challenge": challenge["challenge"], "code": "000000x"}, 422)
        signed, _ = self.call(None, "POST", "/api/v1/auth/second-factor",
                              {"challenge": challenge["challenge"],
                               "code": totp_code(secret, step=step + 1)}, 200)
        self.tokens["nina"] = signed["access_token"]
        self.call(None, "POST", "/api/v1/auth/second-factor",
                  {"challenge": challenge["challenge"], "code": codes["recovery_codes"][0]}, 401)
        self.call("nina", "POST", "/api/v1/me/second-factor/recovery-codes",
                  {"code": codes["recovery_codes"][0]}, 422)
        self.call("nina", "POST", "/api/v1/me/second-factor/disable",
                  {"password": PASSWORD, "code": codes["recovery_codes"][1]}, 204)
        self.call("nina", "GET", "/api/v1/me/second-factor", expect=200)
        enrolment, _ = self.call("nina", "POST", "/api/v1/me/second-factor/enrol", expect=200)
        self.call("nina", "POST", "/api/v1/me/second-factor/confirm",
                  {"code": totp_code(enrolment["secret"], step=step)}, 200)
        reset = f"/api/v1/admin/accounts/{self.nina_id}/second-factor/reset"
        self.call("admin", "POST", reset, {"reason": "Lost phone; identity checked."}, 204)
        self.call("admin", "POST", reset, {"reason": "Lost phone; identity checked."}, 409)
        self.sign_in("nina", self.nina_email, PASSWORD)  # the reset ended her sessions

    def administration(self):
        for address, name in (("olga@example.org", "Dr Olga Ivanova"),
                              ("pavel@example.org", "Dr Pavel Horak")):
            self.call(None, "POST", "/api/v1/auth/signup/doctor",
                      {"email": address, "password": PASSWORD, "full_name": name,
                       "licence_number": "GMC-7654321", "specialty": "Nephrology",
                       "clinic": "Riverside Clinic"}, 202)
            self.call(None, "POST", "/api/v1/auth/verify-email",
                      {"email": address, "code": self.code(address, "Confirm")}, 200)
        pending, _ = self.call("admin", "GET", "/api/v1/admin/doctors", expect=200)
        ids = {d["email"]: d["id"] for d in pending["items"]}
        self.olga_id = ids["olga@example.org"]
        self.call("admin", "POST", f"/api/v1/admin/doctors/{self.olga_id}/approve", expect=200)
        self.call("admin", "POST", f"/api/v1/admin/doctors/{self.olga_id}/approve", expect=409)
        self.call("admin", "POST", f"/api/v1/admin/doctors/{ids['pavel@example.org']}/reject",
                  {"reason": "The licence number does not match the register."}, 200)
        self.call("admin", "GET", "/api/v1/admin/doctors?status=active", expect=200)
        self.sign_in("olga", "olga@example.org", PASSWORD)
        self.call("admin", "GET", "/api/v1/admin/accounts?limit=5", expect=200)
        self.call("admin", "GET", "/api/v1/admin/accounts?limit=0", expect=422)
        self.call("admin", "POST", f"/api/v1/admin/accounts/{self.nina_id}/disable",
                  {"reason": "Reported as a duplicate account."}, 200)
        self.call("nina", "GET", "/api/v1/me", expect=401)
        self.call("admin", "POST", f"/api/v1/admin/accounts/{self.nina_id}/enable", expect=200)
        self.sign_in("nina", self.nina_email, PASSWORD)  # disabling ended every session
        self.call("admin", "POST", f"/api/v1/admin/accounts/{self.nina_id}/enable", expect=409)
        self.call("admin", "POST", f"/api/v1/admin/accounts/{self.admin_id}/disable",
                  {"reason": "testing"}, 409)
        self.call("admin", "POST", "/api/v1/admin/break-glass",
                  {"patient_id": self.patient_id, "reason": "Patient unconscious in the ward"},
                  201)
        self.call("admin", "POST", "/api/v1/admin/break-glass",
                  {"patient_id": self.patient_id, "reason": "short"}, 422)
        self.call("admin", "GET", "/api/v1/admin/audit?limit=5", expect=200)
        self.call("admin", "GET", f"/api/v1/admin/audit?patient_id={self.patient_id}&limit=3",
                  expect=200)
        self.call("admin", "GET", "/api/v1/admin/routes", expect=200)
        self.call("patient", "GET", "/api/v1/admin/routes", expect=403)

    def care_and_access(self):
        p = f"/api/v1/patients/{self.patient_id}"
        self.call("patient", "GET", f"{p}/care-team", expect=200)
        self.call("patient", "POST", f"{p}/care-team", {"doctor_id": self.olga_id}, 201)
        self.call("patient", "DELETE", f"{p}/care-team/{self.olga_id}", expect=204)
        self.call("doctor", "GET", f"{p}/care-team", expect=403)
        # Consent: approved in the app, and confirmed with the emailed code.
        grant, _ = self.call("doctor", "POST", f"{p}/write-grants", expect=202)
        self.call("patient", "GET", f"{p}/write-grants", expect=200)
        self.call("patient", "POST", f"/api/v1/write-grants/{grant['id']}/approve", expect=200)
        other, _ = self.call("endo", "POST", f"{p}/write-grants", expect=202)
        self.call("endo", "POST", f"/api/v1/write-grants/{other['id']}/confirm",
                  {"code": "000000" if self.code("patient" + DEMO, "consent", 2) != "000000"
                   else "111111"}, 422)
        self.call("endo", "POST", f"/api/v1/write-grants/{other['id']}/confirm",
                  {"code": self.code("patient" + DEMO, "consent", 2)}, 200)
        self.call("patient", "DELETE", f"/api/v1/write-grants/{other['id']}", expect=204)
        # A doctor outside the care team: where they stand, break-glass, a request for access.
        self.call("gp", "GET", f"{p}/my-access", expect=200)
        self.call("gp", "POST", f"{p}/break-glass", {"reason": "Seen in the emergency room now"},
                  201)
        self.call("gp", "GET", f"{p}/my-access", expect=200)
        asked, _ = self.call("gp", "POST", f"{p}/access-requests",
                             {"message": "I am her new GP."}, 202)
        self.call("doctor", "POST", f"{p}/access-requests", {}, 409)
        declined, _ = self.call("olga", "POST", f"{p}/access-requests", {}, 202)
        self.call("patient", "GET", f"{p}/access-requests", expect=200)
        self.call("patient", "POST", f"/api/v1/access-requests/{asked['id']}/approve", expect=200)
        self.call("patient", "POST", f"/api/v1/access-requests/{declined['id']}/decline",
                  expect=200)
        self.call("patient", "POST", f"/api/v1/access-requests/{declined['id']}/decline",
                  expect=409)
        self.call("patient", "GET", f"{p}/access-log?limit=10", expect=200)
        # The desk: a doctor registers a patient, who claims the account with the emailed code.
        desk = {"full_name": "Rui Costa", "date_of_birth": "1975-07-08", "sex": "male",
                "email": "rui@example.org", "phone": "+351 910 000 000"}
        self.call("doctor", "POST", "/api/v1/patients", desk, 201)
        self.call("doctor", "POST", "/api/v1/patients", desk, 200)
        self.call("doctor", "POST", "/api/v1/patients", {**desk, "email": "patient" + DEMO}, 409)
        self.call(None, "POST", "/api/v1/auth/claim",
                  {"email": "rui@example.org", "code": self.code("rui@example.org", "Finish", 2),
                   "new_password": PASSWORD}, 200)

    # --- records ---
    def records(self):
        p = f"/api/v1/patients/{self.patient_id}/observations"
        stored, _ = self.call("patient", "POST", p,
                              {"metric": "heart_rate", "value": 72, "unit": "/min"}, 201)
        self.call("patient", "POST", p, {"metric": "blood_pressure", "systolic": 128,
                                         "diastolic": 82, "unit": "mmHg"}, 201)
        self.call("patient", "POST", p, {"code": "59408-5", "value": 86, "unit": "%"}, 201)
        self.call("patient", "POST", p, {"metric": "glucose", "value": 2000, "unit": "mg/dL"},
                  422)
        self.call("patient", "POST", p, {"metric": "heart_rate", "value": "fast",
                                         "unit": "/min"}, 422)
        last_month = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=30)
        self.call("doctor", "POST", p, {"metric": "body_weight", "value": 70.5, "unit": "kg",
                                        "effective_at": last_month.strftime("%Y-%m-%dT%H:%M:%SZ")},
                  201)
        self.call("doctor", "GET", f"{p}?limit=5", expect=200)
        self.call("doctor", "GET", f"{p}?code=heart_rate&to=2026-06-01&limit=3", expect=200)
        self.call("doctor", "GET", f"{p}?limit=0", expect=422)
        first = stored["items"][0]["id"]
        self.call("patient", "POST", f"{p}/{first}/corrections",
                  {"value": 74, "unit": "/min", "reason": "Typed the wrong number"}, 201)
        self.call("patient", "POST", f"{p}/{first}/corrections",
                  {"value": 75, "unit": "/min", "reason": "Again"}, 409)
        self.call("patient", "GET", f"{p}/{first}/history", expect=200)
        self.call("patient", "GET", f"{p}/999999999/history", expect=404)
        self.call("doctor", "GET", f"{p}/series?code=blood_pressure&points=50", expect=200)
        self.call("doctor", "GET", f"{p}/series?code=heart_rate", expect=200)
        self.call("doctor", "GET", f"{p}/trend?code=body_weight&days=3650", expect=200)
        self.call("doctor", "GET", f"{p}/trend?code=blood_pressure", expect=200)
        self.call("doctor", "GET", f"{p}/trend?code=heart_rate&days=1&readings=3", expect=422)
        self.call("gp", "GET", f"/api/v1/patients/{self.nina_id}/observations", expect=403)

    def clinical(self):
        p = f"/api/v1/patients/{self.patient_id}"
        profile, _ = self.call("patient", "GET", f"{p}/profile", expect=200)
        profile_input = {key: profile[key] for key in (
            "address_line1", "address_line2", "city", "postcode", "blood_group", "allergies",
            "no_known_allergies", "conditions", "medications")}
        profile_input["area_code"] = "E09000012"
        profile_input["allergies"] = profile["allergies"] + [
            {"substance": "latex", "reaction": "rash", "severity": "mild"}, "Augmentin"]
        self.call("patient", "PUT", f"{p}/profile", profile_input, 200)
        self.call("patient", "PUT", f"{p}/profile", {"blood_group": "Z+"}, 422)
        self.call("patient", "PATCH", f"{p}/profile", {"phone": "+351 912 000 111"}, 200)
        self.call("doctor", "GET", f"{p}/summary", expect=200)
        encounter, _ = self.call("doctor", "POST", f"{p}/encounters",
                                 {"type": "consultation", "reason": "Blood pressure review",
                                  "notes": "Home readings reviewed."}, 201)
        self.call("patient", "POST", f"{p}/encounters",
                  {"type": "consultation", "reason": "Self-visit"}, 403)
        diagnosis, _ = self.call("doctor", "POST", f"{p}/diagnoses",
                                 {"description": "Acute bronchitis", "icd10_code": "j20.9",
                                  "encounter_id": encounter["id"]}, 201)
        self.call("doctor", "POST", f"{p}/diagnoses", {"description": "x", "icd10_code": "12"},
                  422)
        self.call("doctor", "POST", f"{p}/diagnoses/{diagnosis['id']}/resolve",
                  {"reason": "Recovered"}, 200)
        self.call("doctor", "POST", f"{p}/diagnoses/{diagnosis['id']}/resolve",
                  {"reason": "Recovered"}, 409)
        self.call("doctor", "POST", f"{p}/prescriptions",
                  {"medicine": "Amoxicillin", "strength": "500 mg", "dose": "1 capsule",
                   "frequency": "three times daily", "duration": "7 days"}, 409)
        self.call("doctor", "POST", f"{p}/prescriptions",
                  {"medicine": "Amoxicillin", "strength": "500 mg", "dose": "1 capsule",
                   "frequency": "three times daily", "duration": "7 days",
                   "override_reason": "Allergy disproved by a supervised challenge"}, 201)
        stopped, _ = self.call("doctor", "POST", f"{p}/prescriptions",
                               {"medicine": "Zyxorin", "dose": "1 tablet",
                                "frequency": "once daily", "encounter_id": encounter["id"]}, 201)
        self.call("doctor", "POST", f"{p}/prescriptions/{stopped['id']}/stop",
                  {"reason": "Not tolerated"}, 200)
        self.call("doctor", "POST", f"{p}/prescriptions/999999999/stop", {"reason": "x"}, 404)
        self.call("patient", "POST", f"{p}/symptoms", {"symptom": "Headache", "severity": 3,
                                                       "notes": "After work"}, 201)
        self.call("patient", "POST", f"{p}/symptoms", {"symptom": "chest_pain", "severity": 8},
                  201)
        self.call("patient", "POST", f"{p}/symptoms", {"free_text": "tired legs", "severity": 2},
                  201)
        self.call("patient", "POST", f"{p}/symptoms", {"symptom": "headache", "severity": 11},
                  422)
        for kind in ("encounters", "diagnoses", "prescriptions", "symptoms"):
            page, _ = self.call("doctor", "GET", f"{p}/{kind}?limit=3", expect=200)
            if page["next_cursor"]:
                self.call("doctor", "GET", f"{p}/{kind}?limit=3&cursor={page['next_cursor']}",
                          expect=200)
        self.call("patient", "GET", "/api/v1/symptoms/vocabulary", expect=200)
        self.call("doctor", "GET", f"{p}/timeline?limit=40", expect=200)
        self.call("doctor", "GET", f"{p}/timeline?types=diagnosis,prescription&from=2020-01-01",
                  expect=200)
        self.call("doctor", "GET", f"{p}/timeline?types=visits", expect=422)
        self.call("patient", "GET", f"{p}/export", expect=200)
        self.call("doctor", "GET", f"{p}/export", expect=403)

    # --- monitoring ---
    def monitoring(self):
        p = f"/api/v1/patients/{self.patient_id}"
        self.call("patient", "GET", f"{p}/alerts", expect=200)
        self.call("patient", "GET", f"{p}/alerts?status=closed", expect=422)
        alerts, _ = self.call("doctor", "GET", "/api/v1/alerts?status=unresolved&limit=5",
                              expect=200)
        self.call("doctor", "GET", "/api/v1/alerts", expect=200)
        self.call("patient", "GET", "/api/v1/alerts", expect=403)
        alert = alerts["items"][0]["id"]
        self.call("doctor", "POST", f"/api/v1/alerts/{alert}/acknowledge", expect=200)
        self.call("doctor", "POST", f"/api/v1/alerts/{alert}/resolve", expect=200)
        self.call("doctor", "POST", f"/api/v1/alerts/{alert}/resolve", expect=409)
        self.call("doctor", "POST", "/api/v1/alerts/999999999/acknowledge", expect=404)
        notes, _ = self.call("patient", "GET", "/api/v1/notifications?limit=3", expect=200)
        self.call("doctor", "GET", "/api/v1/notifications", expect=200)
        self.call("patient", "POST", f"/api/v1/notifications/{notes['items'][0]['id']}/read",
                  expect=200)
        self.call("patient", "POST", "/api/v1/notifications/999999999/read", expect=404)
        self.call("doctor", "GET", "/api/v1/patients?linked=true&sort=alerts&limit=2",
                  expect=200)
        self.call("doctor", "GET", "/api/v1/patients?query=maria", expect=200)
        self.call("admin", "GET", "/api/v1/patients?query=go", expect=200)
        self.call("doctor", "GET", "/api/v1/patients", expect=422)

    # --- prediction ---
    def prediction(self):
        p = f"/api/v1/patients/{self.patient_id}"
        self.call("patient", "GET", "/api/v1/predictions", expect=200)
        for model in ("diabetes", "heart", "stroke"):
            self.call("patient", "GET", f"/api/v1/predictions/{model}", expect=200)
        self.call("patient", "GET", "/api/v1/predictions/cancer", expect=404)
        self.call("patient", "POST", "/api/v1/predictions/diabetes",
                  {"pregnancies": 2, "glucose": {"value": 8.1, "unit": "mmol/L"},
                   "blood_pressure": 80, "bmi": 31.2, "age": 52, "sex": "female"}, 200)
        self.call("patient", "POST", "/api/v1/predictions/stroke",
                  {"sex": "male", "age": 67, "hypertension": True, "heart_disease": "no",
                   "avg_glucose": 105, "bmi": 28, "smoking_status": "formerly_smoked",
                   "ever_married": True, "work_type": "private", "residence": "urban"}, 200)
        self.call("patient", "POST", "/api/v1/predictions/heart", {"age": 50}, 200)
        self.call("patient", "POST", "/api/v1/predictions/diabetes", {"bmi": 500}, 422)
        self.call("patient", "POST", "/api/v1/predictions/diabetes",
                  {"patient_id": self.patient_id, "bmi": 31}, 201)
        self.call("doctor", "POST", f"{p}/predictions/stroke", {"smoking_status": "never_smoked"},
                  201)
        self.call("doctor", "POST", f"{p}/predictions/heart", {}, 201)
        self.call("doctor", "POST", f"{p}/predictions/heart", {"patient_id": 1}, 422)
        self.call("patient", "GET", f"{p}/predictions/diabetes/prefill", expect=200)
        self.call("patient", "GET", f"{p}/predictions/stroke/prefill", expect=200)
        self.call("patient", "POST", f"{p}/symptom-checks",
                  {"symptoms": ["headache", "high_fever"], "other_symptoms": ["stiff neck"],
                   "severity": 6, "notes": "Since this morning"}, 201)
        self.call("patient", "POST", f"{p}/symptom-checks",
                  {"symptoms": ["chest_pain"], "severity": 9}, 201)
        self.call("patient", "POST", f"{p}/symptom-checks", {"symptoms": ["headache"]}, 422)
        self.call("patient", "GET", f"{p}/predictions?limit=3", expect=200)
        self.call("patient", "GET", f"{p}/predictions?model=symptom_check", expect=200)
        self.call("patient", "GET", f"{p}/predictions?model=nope", expect=422)
        self.call("doctor", "GET", f"{p}/air-quality", expect=200)
        self.call("doctor", "GET", f"/api/v1/patients/{self.nina_id}/air-quality", expect=403)
        self.call("patient", "GET", "/api/v1/symptom-check/symptoms", expect=200)
        self.call("patient", "POST", "/api/v1/symptom-check",
                  {"symptoms": ["itching", "skin rash"], "severity": 3}, 200)
        self.call("patient", "POST", "/api/v1/symptom-check", {"symptoms": ["glowing"]}, 422)
        self.call("patient", "GET", "/api/v1/air-quality/areas?query=hack", expect=200)
        self.call("patient", "GET", "/api/v1/air-quality/areas?query=h", expect=422)
        self.call("patient", "GET", "/api/v1/air-quality/areas/E09000012", expect=200)
        # A unitary authority formed in 2021: no old-method years, so the trend's numbers are null.
        self.call("patient", "GET", "/api/v1/air-quality/areas/E06000061", expect=200)
        self.call("patient", "GET", "/api/v1/air-quality/areas/X1", expect=404)
        # The stored predictions in the record's other views.
        self.call("patient", "GET", f"{p}/timeline?types=prediction&limit=5", expect=200)
        self.call("patient", "GET", f"{p}/export", expect=200)

    # --- scheduling ---
    def care(self):
        day = datetime.date.today() + datetime.timedelta(days=14)
        day += datetime.timedelta(days=(7 - day.weekday()) % 7)  # a Monday, two weeks ahead
        start = datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.timezone.utc)
        iso = lambda moment: moment.strftime("%Y-%m-%dT%H:%M:%SZ")  # noqa: E731
        clinic_body = {"kind": "hospital", "name": "Royal Free", "address": "Pond St",
                       "city": "London", "postcode": "NW3 2QG", "latitude": 51.553,
                       "longitude": -0.165, "phone": "+44 20 7794 0500",
                       "opening_hours": "24 hours", "time_zone": "UTC", "services": ["A&E"]}
        clinic, _ = self.call("admin", "POST", "/api/v1/care/clinics", clinic_body, 201)
        self.call("admin", "POST", "/api/v1/care/clinics", {**clinic_body, "time_zone": "Mars"},
                  422)
        self.call("admin", "PATCH", f"/api/v1/care/clinics/{clinic['id']}",
                  {"phone": "+44 20 7794 0501"}, 200)
        self.call("admin", "PATCH", "/api/v1/care/clinics/999999", {"phone": "1"}, 404)
        specialty, _ = self.call("admin", "POST", "/api/v1/care/specialties",
                                 {"name": "Cardiothoracic surgery"}, 201)
        self.call("admin", "POST", "/api/v1/care/specialties", {"name": "cardiology"}, 409)
        self.call("patient", "GET", "/api/v1/care/specialties", expect=200)
        self.call("admin", "PUT", f"/api/v1/care/doctors/{self.doctor_id}/practice",
                  {"clinic_ids": [clinic["id"]], "specialty_ids": [specialty["id"]]}, 204)
        self.call("admin", "PUT", f"/api/v1/care/doctors/{self.patient_id}/practice",
                  {"clinic_ids": [clinic["id"]]}, 422)
        hours = f"/api/v1/care/doctors/{self.doctor_id}/clinics/{clinic['id']}/hours"
        self.call("doctor", "PUT", hours, {"sessions": [
            {"weekday": d, "start": "09:00", "end": "12:00", "slot_minutes": 30}
            for d in range(1, 6)]}, 204)
        self.call("doctor", "PUT", hours, {"sessions": [{"weekday": 9, "start": "09:00",
                                                         "end": "10:00"}]}, 422)
        self.call("endo", "PUT", hours, {"sessions": []}, 403)
        leave, _ = self.call("doctor", "POST", "/api/v1/care/exceptions",
                             {"kind": "leave", "doctor_id": self.doctor_id,
                              "first_day": iso(start)[:10], "last_day": iso(start)[:10],
                              "note": "conference"}, 201)
        availability = f"/api/v1/care/doctors/{self.doctor_id}/availability"
        self.call("doctor", "GET", availability, expect=200)
        self.call("endo", "GET", availability, expect=403)
        self.call("doctor", "DELETE", f"/api/v1/care/exceptions/{leave['id']}", expect=204)
        self.call("doctor", "DELETE", f"/api/v1/care/exceptions/{leave['id']}", expect=404)
        soonest = f"/api/v1/care/specialties/{specialty['id']}/slots"
        self.call("patient", "GET", f"{soonest}?next=3", expect=200)
        self.call("patient", "GET", f"{soonest}?next=3&lat=51.5&lon=-0.1&radius_km=30", expect=200)
        self.call("patient", "GET", f"{soonest}?next=0", expect=422)
        self.call("patient", "GET", "/api/v1/care/specialties/999999/slots", expect=404)
        self.call("doctor", "POST", "/api/v1/care/exceptions",
                  {"kind": "extra", "doctor_id": self.doctor_id, "clinic_id": clinic["id"],
                   "first_day": iso(start)[:10], "last_day": iso(start)[:10], "start": "14:00",
                   "end": "15:00", "slot_minutes": 30}, 201)
        self.call("doctor", "POST", "/api/v1/care/exceptions",
                  {"kind": "closed", "clinic_id": clinic["id"], "first_day": "2099-01-01",
                   "last_day": "2099-01-01"}, 403)
        self.call("doctor", "POST", "/api/v1/care/exceptions", {"kind": "holiday"}, 422)
        self.call("patient", "GET", "/api/v1/care/clinics?specialty=cardiology", expect=200)
        self.call("patient", "GET", "/api/v1/care/clinics?city=london&name=okafor", expect=200)
        self.call("patient", "GET", "/api/v1/care/clinics?lat=51.5&lon=-0.1&radius_km=20",
                  expect=200)
        self.call("patient", "GET", "/api/v1/care/clinics?lat=95&lon=0", expect=422)
        self.call("patient", "GET", "/api/v1/care/clinics?inactive=true", expect=403)
        slots = f"/api/v1/care/doctors/{self.doctor_id}/slots"
        self.call("patient", "GET", f"{slots}?from={iso(start)}&to="
                  f"{iso(start + datetime.timedelta(days=7))}", expect=200)
        self.call("patient", "GET", f"{slots}?next=3", expect=200)
        self.call("patient", "GET", f"{slots}?from=soon&to=later", expect=422)
        nine = start + datetime.timedelta(days=1, hours=9)  # Tuesday 09:00 UTC
        body = {"doctor_id": self.doctor_id, "starts_at": iso(nine), "mode": "in_person",
                "reason": "Palpitations"}
        booked, _ = self.call("patient", "POST", "/api/v1/care/appointments", body, 201,
                              headers={"Idempotency-Key": "openapi-1"})
        self.call("patient", "POST", "/api/v1/care/appointments", body, 201,
                  headers={"Idempotency-Key": "openapi-1"})
        self.call("nina", "POST", "/api/v1/care/appointments", body, 409)
        self.call("patient", "POST", "/api/v1/care/appointments",
                  {**body, "starts_at": iso(nine + datetime.timedelta(minutes=10))}, 422)
        self.call("admin", "POST", "/api/v1/care/appointments", body, 403)
        appointment = f"/api/v1/care/appointments/{booked['id']}"
        self.call("patient", "POST", f"{appointment}/reschedule",
                  {"starts_at": iso(nine + datetime.timedelta(hours=1))}, 200)
        self.call("patient", "POST", f"{appointment}/reschedule", {"starts_at": "soon"}, 422)
        self.call("admin", "POST", f"{appointment}/reschedule", {"starts_at": iso(nine)}, 403)
        self.call("nina", "POST", f"{appointment}/reschedule", {"starts_at": iso(nine)}, 404)
        self.call("patient", "GET", f"/api/v1/patients/{self.patient_id}/appointments",
                  expect=200)
        self.call("patient", "GET", f"/api/v1/patients/{self.patient_id}/appointments?from=x",
                  expect=422)
        self.call("doctor", "GET", f"/api/v1/care/doctors/{self.doctor_id}/appointments?from="
                  f"{iso(start)}&to={iso(start + datetime.timedelta(days=7))}", expect=200)
        self.call("doctor", "GET", f"/api/v1/care/doctors/{self.doctor_id}/appointments",
                  expect=422)
        self.call("endo", "GET", f"/api/v1/care/doctors/{self.doctor_id}/appointments?from="
                  f"{iso(start)}&to={iso(start + datetime.timedelta(days=7))}", expect=403)
        self.call("doctor", "POST", f"{appointment}/outcome", {"status": "completed"}, 422)
        self.call("patient", "POST", f"{appointment}/outcome", {"status": "completed"}, 403)
        self.call("doctor", "POST", "/api/v1/care/appointments/999999/outcome",
                  {"status": "no_show"}, 404)
        self.call("patient", "POST", f"{appointment}/cancel", {"reason": ""}, 422)
        self.call("patient", "POST", f"{appointment}/cancel", {"reason": "Feeling better"}, 200)
        self.call("patient", "POST", f"{appointment}/cancel", {"reason": "Again"}, 409)
        self.call("nina", "POST", f"{appointment}/cancel", {"reason": "x"}, 404)
        # Diagnostic tests: the catalogue, a centre's offers and hours, places, a booking.
        centre, _ = self.call("admin", "POST", "/api/v1/care/clinics",
                              {**clinic_body, "kind": "diagnostic_centre", "name": "Pond Lab"},
                              201)
        lipids = {"code": "lipids", "name": "Lipid profile", "category": "blood",
                  "duration_minutes": 10, "price_minor": 3000, "currency": "GBP",
                  "preparation": "Do not eat for 10 hours before the test."}
        test, _ = self.call("admin", "POST", "/api/v1/care/tests", lipids, 201)
        self.call("admin", "POST", "/api/v1/care/tests", lipids, 409)
        self.call("admin", "POST", "/api/v1/care/tests", {**lipids, "code": "x", "currency": "£"},
                  422)
        self.call("admin", "PATCH", f"/api/v1/care/tests/{test['id']}", {"price_minor": 3200},
                  200)
        self.call("admin", "PATCH", "/api/v1/care/tests/999999", {"price_minor": 1}, 404)
        self.call("patient", "GET", "/api/v1/care/tests", expect=200)
        offers = f"/api/v1/care/centres/{centre['id']}/tests"
        self.call("admin", "PUT", offers, {"offers": [{"test_id": test["id"], "per_hour": 1}]},
                  204)
        self.call("admin", "PUT", f"/api/v1/care/centres/{clinic['id']}/tests", {"offers": []},
                  422)
        self.call("admin", "PUT", f"/api/v1/care/centres/{centre['id']}/hours", {"sessions": [
            {"weekday": d, "start": "00:00", "end": "24:00"} for d in range(1, 8)]}, 204)
        self.call("patient", "GET", offers, expect=200)
        self.call("patient", "GET", f"/api/v1/care/tests/{test['id']}/centres?lat=51.5&lon=-0.1",
                  expect=200)
        self.call("patient", "GET", f"{offers}/{test['id']}/hours?from={iso(start)}"
                  f"&to={iso(start + datetime.timedelta(days=1))}", expect=200)
        self.call("patient", "GET", f"{offers}/{test['id']}/hours", expect=422)
        booking = {"centre_id": centre["id"], "test_id": test["id"],
                   "starts_at": iso(start + datetime.timedelta(hours=8))}
        booked_test, _ = self.call("patient", "POST", "/api/v1/care/test-bookings", booking, 201)
        self.call("nina", "POST", "/api/v1/care/test-bookings", booking, 409)
        self.call("doctor", "POST", "/api/v1/care/test-bookings", booking, 403)
        self.call("patient", "GET", f"/api/v1/patients/{self.patient_id}/test-bookings",
                  expect=200)
        self.call("admin", "GET", f"/api/v1/care/centres/{centre['id']}/test-bookings?from="
                  f"{iso(start)}&to={iso(start + datetime.timedelta(days=1))}", expect=200)
        self.call("doctor", "GET", f"/api/v1/care/centres/{centre['id']}/test-bookings?from="
                  f"{iso(start)}&to={iso(start + datetime.timedelta(days=1))}", expect=403)
        self.call("admin", "POST", "/api/v1/care/test-bookings/check-in", {"token": "nope"}, 422)
        self.call("admin", "POST", "/api/v1/care/test-bookings/check-in",
                  {"token": booked_test["token"]}, 409)  # not today
        results = f"/api/v1/care/test-bookings/{booked_test['id']}/results"
        lipid_result = {"results": [{"code": "2093-3", "value": 5.2, "unit": "mmol/L"}]}
        self.call("admin", "POST", results, lipid_result, 409)  # not checked in
        self.call("admin", "POST", results, {"results": "high"}, 422)
        self.call("admin", "POST", "/api/v1/care/test-bookings/999999/results", lipid_result, 404)
        self.call("patient", "POST", results, lipid_result, 403)
        self.call("patient", "POST", f"/api/v1/care/test-bookings/{booked_test['id']}/cancel",
                  {"reason": "Away that week"}, 200)
        # A test in the coming hour: checked in, then its results recorded.
        soon = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)).replace(
            minute=0, second=0, microsecond=0)
        today, _ = self.call("nina", "POST", "/api/v1/care/test-bookings",
                             {**booking, "starts_at": iso(soon)}, 201)
        self.call("admin", "POST", "/api/v1/care/test-bookings/check-in",
                  {"token": today["token"]}, 200)
        self.call("admin", "POST", f"/api/v1/care/test-bookings/{today['id']}/results",
                  lipid_result, 201)

    # --- chat ---
    def chat(self):
        conversations = "/api/v1/chat/conversations"
        self.call(None, "GET", conversations, expect=401)
        self.call("admin", "POST", conversations, {"other_id": self.patient_id}, 403)
        self.call("patient", "POST", conversations, {}, 422)
        self.call("nina", "POST", conversations, {"other_id": self.doctor_id}, 403)  # not her doctor
        started, _ = self.call("patient", "POST", conversations, {"other_id": self.doctor_id}, 201)
        self.call("doctor", "POST", conversations, {"other_id": self.patient_id}, 200)
        self.call("patient", "GET", conversations, expect=200)
        self.call("patient", "GET", "/api/v1/chat/unread", expect=200)
        self.call(None, "GET", "/api/v1/chat/unread", expect=401)
        one = f"{conversations}/{started['id']}"
        self.call("doctor", "GET", one, expect=200)
        self.call("nina", "GET", one, expect=404)
        self.call("patient", "GET", f"{conversations}/999999", expect=404)
        messages = f"{one}/messages"
        self.call("patient", "POST", messages, {"client_id": "o-1", "text": "Hello doctor"}, 201)
        self.call("patient", "POST", messages, {"client_id": "o-1", "text": "Hello doctor"}, 200)
        self.call("patient", "POST", messages, {"client_id": "o-1", "text": "Other"}, 409)
        self.call("patient", "POST", messages, {"client_id": "o-2", "text": ""}, 422)
        self.call("nina", "POST", messages, {"client_id": "n-1", "text": "Hi"}, 404)
        self.call("doctor", "GET", messages, expect=200)
        self.call("doctor", "GET", f"{messages}?after=0&limit=10", expect=200)
        self.call("doctor", "GET", f"{messages}?limit=0", expect=422)
        self.call("nina", "GET", messages, expect=404)
        self.call("doctor", "POST", f"{one}/receipts", {"kind": "read", "seq": 1}, 200)
        self.call("doctor", "POST", f"{one}/receipts", {"kind": "read", "seq": 99}, 422)
        self.call("nina", "POST", f"{one}/receipts", {"kind": "read", "seq": 1}, 404)
        self.call("doctor", "POST", f"{one}/typing", {"state": "started"}, 204)
        self.call("doctor", "POST", f"{one}/typing", {"state": "dancing"}, 422)
        self.call("nina", "POST", f"{one}/typing", {"state": "started"}, 404)
        self.call("doctor", "GET", "/api/v1/chat/poll?timeout=0", expect=200)
        self.call("doctor", "GET", "/api/v1/chat/poll?timeout=99", expect=422)
        self.call(None, "GET", "/api/v1/chat/poll", expect=401)
        self.call(None, "GET", "/ws/chat", expect=400)  # not an upgrade

    # --- pharmacy ---
    def pharmacy(self):
        today = datetime.date.today()
        expires = (today + datetime.timedelta(days=365)).isoformat()
        items = "/api/v1/pharmacy/items"
        lots = "/api/v1/pharmacy/lots"
        orders = "/api/v1/pharmacy/orders"
        cart = "/api/v1/pharmacy/cart"
        # The catalogue: items added and changed by an administrator, one retired.
        paracetamol_body = {"name": "Paracetamol 500mg Tablet",
                            "composition": "Paracetamol (500mg)",
                            "manufacturer": "Vitalis Generics", "uses": ["Pain relief", "Fever"],
                            "side_effects": ["Nausea"], "price_minor": 250,
                            "prescription_only": False, "order_limit": 30}
        paracetamol, _ = self.call("admin", "POST", items, paracetamol_body, 201)
        self.call("admin", "POST", items, {"name": "No price"}, 422)
        self.call("patient", "POST", items, paracetamol_body, 403)
        amoxicillin, _ = self.call("admin", "POST", items,
                                   {"name": "Amoxicillin 500mg Capsule",
                                    "composition": "Amoxycillin (500mg)", "price_minor": 480,
                                    "currency": "GBP", "prescription_only": True,
                                    "order_limit": 3}, 201)
        retired, _ = self.call("admin", "POST", items, {"name": "Old cough syrup",
                                                        "price_minor": 100}, 201)
        self.call("admin", "PATCH", f"{items}/{retired['id']}", {"active": False}, 200)
        self.call("patient", "GET", f"{items}/{retired['id']}", expect=404)
        self.call("admin", "GET", f"{items}/{retired['id']}", expect=200)
        found, _ = self.call("admin", "GET", f"{items}?retired=true", expect=200)
        assert [item["name"] for item in found["items"]] == ["Old cough syrup"], found
        self.call("patient", "GET", f"{items}?retired=true", expect=403)
        self.call("admin", "PATCH", f"{items}/{paracetamol['id']}", {"price_minor": 275}, 200)
        self.call("admin", "PATCH", f"{items}/{paracetamol['id']}", {"currency": "pounds"}, 422)
        self.call("admin", "PATCH", f"{items}/999999", {"price_minor": 1}, 404)
        # Stock: lots received, adjusted; a lot that has not expired is not written off.
        paracetamol_lots = f"{items}/{paracetamol['id']}/lots"
        lot, _ = self.call("admin", "POST", paracetamol_lots,
                           {"batch": "PCM-1", "expires_on": expires, "quantity": 20,
                            "supplier": "Wholesale Ltd", "cost_minor": 120}, 201)
        self.call("admin", "POST", paracetamol_lots,
                  {"batch": "PCM-1", "expires_on": expires, "quantity": 5}, 409)
        self.call("admin", "POST", paracetamol_lots,
                  {"batch": "PCM-2", "expires_on": "2020-01-01", "quantity": 5}, 422)
        self.call("admin", "POST", f"{items}/999999/lots",
                  {"batch": "X-1", "expires_on": expires, "quantity": 1}, 404)
        self.call("admin", "POST", f"{items}/{amoxicillin['id']}/lots",
                  {"batch": "AMX-1", "quantity": 4,
                   "expires_on": (today + datetime.timedelta(days=20)).isoformat()}, 201)
        self.call("admin", "GET", paracetamol_lots, expect=200)
        self.call("patient", "GET", paracetamol_lots, expect=403)
        adjust = f"{lots}/{lot['id']}/adjustments"
        self.call("admin", "POST", adjust, {"change": -2, "reason": "Two boxes damaged"}, 200)
        self.call("admin", "POST", adjust, {"change": 0, "reason": "Nothing"}, 422)
        self.call("admin", "POST", adjust, {"change": -1000, "reason": "Miscount"}, 409)
        self.call("admin", "POST", f"{lots}/999999/adjustments",
                  {"change": 1, "reason": "Found one"}, 404)
        self.call("admin", "POST", f"{lots}/{lot['id']}/write-off", expect=409)
        self.call("admin", "POST", f"{lots}/999999/write-off", expect=404)
        # Search, as a patient types.
        self.call("patient", "GET", f"{items}?q=paracet", expect=200)
        self.call("patient", "GET", f"{items}?q=paracetmol", expect=200)  # corrected
        self.call("patient", "GET", f"{items}?in_stock=true&prescription_only=false"
                  "&manufacturer=Vitalis%20Generics&limit=5&offset=0", expect=200)
        self.call("patient", "GET", f"{items}?limit=0", expect=422)
        self.call("patient", "GET", f"{items}?in_stock=maybe", expect=422)
        self.call("patient", "GET", "/api/v1/pharmacy/manufacturers", expect=200)
        self.call("doctor", "GET", f"{items}/{paracetamol['id']}", expect=200)
        self.call("patient", "GET", f"{items}/999999", expect=404)
        # The cart, kept on the server.
        paracetamol_line = f"{cart}/items/{paracetamol['id']}"
        amoxicillin_line = f"{cart}/items/{amoxicillin['id']}"
        self.call("patient", "GET", cart, expect=200)  # empty
        self.call("patient", "PUT", paracetamol_line, {"quantity": 2}, 200)
        self.call("patient", "PUT", amoxicillin_line, {"quantity": 4}, 422)  # its order_limit
        self.call("patient", "PUT", amoxicillin_line, {"quantity": 3}, 200)
        self.call("patient", "PUT", paracetamol_line, {"quantity": 25}, 409)  # 18 to be had
        self.call("patient", "PUT", f"{cart}/items/999999", {"quantity": 1}, 404)
        self.call("patient", "PUT", f"{cart}/items/{retired['id']}", {"quantity": 1}, 404)
        self.call("doctor", "PUT", paracetamol_line, {"quantity": 1}, 403)
        self.call("patient", "GET", cart, expect=200)
        # Nina (no prescription in her record) orders the prescription-only item for delivery:
        # it waits for an administrator's approval, and its units are held.
        self.call("nina", "PUT", amoxicillin_line, {"quantity": 3}, 200)
        self.call("nina", "POST", orders, {"fulfilment": "delivery"}, 422)  # no address
        waiting, _ = self.call("nina", "POST", orders,
                               {"fulfilment": "delivery", "payment": "cash_on_delivery",
                                "address": "1 Pond St, London NW3 2QG"}, 201)
        # Now the patient's cart wants more than is left: 409 with the shortages.
        self.call("patient", "POST", orders, {"fulfilment": "pickup"}, 409)
        self.call("patient", "PUT", amoxicillin_line, {"quantity": 0}, 200)
        placed, _ = self.call("patient", "POST", orders, {"fulfilment": "pickup"}, 201,
                              headers={"Idempotency-Key": "openapi-order-1"})
        _, replayed = self.call("patient", "POST", orders, {"fulfilment": "pickup"}, 201,
                                headers={"Idempotency-Key": "openapi-order-1"})
        assert replayed.get("idempotent-replayed") == "true"
        self.call("patient", "POST", orders, {"fulfilment": "pickup"}, 422)  # the cart is empty
        self.call("doctor", "POST", orders, {"fulfilment": "pickup"}, 403)
        self.call("patient", "PUT", paracetamol_line, {"quantity": 1}, 200)
        self.call("patient", "DELETE", cart, expect=204)
        self.call("doctor", "DELETE", cart, expect=403)
        # Reading orders: the patient and administrators; nobody else finds one.
        order = f"{orders}/{placed['id']}"
        self.call("patient", "GET", order, expect=200)
        self.call("admin", "GET", order, expect=200)
        self.call("nina", "GET", order, expect=404)
        self.call("patient", "GET", f"{orders}/999999", expect=404)
        self.call("patient", "GET", f"/api/v1/patients/{self.patient_id}/orders?limit=5",
                  expect=200)
        self.call("patient", "GET", f"/api/v1/patients/{self.patient_id}/orders"
                  f"?before={placed['id']}", expect=200)
        self.call("patient", "GET", f"/api/v1/patients/{self.patient_id}/orders?limit=0",
                  expect=422)
        self.call("nina", "GET", f"/api/v1/patients/{self.patient_id}/orders", expect=404)
        self.call("admin", "GET", orders, expect=200)
        self.call("admin", "GET", f"{orders}?status=awaiting_approval&limit=10", expect=200)
        self.call("admin", "GET", f"{orders}?status=lost", expect=422)
        self.call("patient", "GET", orders, expect=403)
        # Nina's order: approved, then dispatched (its units leave the pharmacy).
        held = f"{orders}/{waiting['id']}"
        self.call("admin", "POST", f"{held}/status", {"status": "dispatched"}, 409)  # waiting
        self.call("admin", "POST", f"{held}/approve", expect=200)
        self.call("admin", "POST", f"{held}/approve", expect=409)
        self.call("admin", "POST", f"{orders}/999999/approve", expect=404)
        self.call("patient", "POST", f"{held}/approve", expect=403)
        self.call("admin", "POST", f"{held}/status", {"status": "dispatched"}, 200)
        # The patient's pickup: ready, then handed over; it cannot be cancelled once it has left.
        self.call("admin", "POST", f"{order}/status", {"status": "dispatched"}, 409)
        self.call("admin", "POST", f"{order}/status", {"status": "shipped"}, 422)
        self.call("admin", "POST", f"{orders}/999999/status", {"status": "ready"}, 404)
        self.call("patient", "POST", f"{order}/status", {"status": "ready"}, 403)
        self.call("admin", "POST", f"{order}/status", {"status": "ready"}, 200)
        self.call("patient", "POST", f"{order}/cancel", {"reason": "Changed my mind"}, 409)
        self.call("admin", "POST", f"{order}/status", {"status": "delivered"}, 200)
        self.call("admin", "POST", f"{order}/cancel", {"reason": "Too late"}, 409)
        # A return of the two handed-over units: recorded and restocked once, then none is left.
        back = {"item_id": paracetamol["id"], "quantity": 2, "restock": True,
                "reason": "Sealed, not needed"}
        self.call("patient", "POST", f"{order}/returns", back, 403)
        self.call("admin", "POST", f"{order}/returns", {**back, "reason": ""}, 422)
        self.call("admin", "POST", f"{orders}/999999/returns", back, 404)
        self.call("admin", "POST", f"{order}/returns", back, 200)
        self.call("admin", "POST", f"{order}/returns", back, 409)
        # Another order, cancelled by its patient: the units return. Its prescription-only line
        # rests on the active amoxicillin prescription in the patient's record.
        self.call("patient", "PUT", paracetamol_line, {"quantity": 1}, 200)
        self.call("patient", "PUT", amoxicillin_line, {"quantity": 1}, 200)
        second, _ = self.call("patient", "POST", orders, {"fulfilment": "pickup"}, 201)
        self.call("patient", "POST", f"{orders}/{second['id']}/cancel", {"reason": ""}, 422)
        self.call("nina", "POST", f"{orders}/{second['id']}/cancel", {"reason": "x"}, 404)
        self.call("patient", "POST", f"{orders}/{second['id']}/cancel",
                  {"reason": "Found some at home"}, 200)
        # The ledger and the stock alerts.
        ledger = f"{items}/{paracetamol['id']}/ledger"
        page, _ = self.call("admin", "GET", f"{ledger}?limit=3", expect=200)
        self.call("admin", "GET", f"{ledger}?before={page['items'][-1]['id']}", expect=200)
        self.call("admin", "GET", f"{ledger}?limit=0", expect=422)
        self.call("admin", "GET", f"{items}/999999/ledger", expect=404)
        self.call("patient", "GET", ledger, expect=403)
        self.call("admin", "GET", "/api/v1/pharmacy/alerts/low-stock?threshold=100&limit=5",
                  expect=200)
        self.call("admin", "GET", "/api/v1/pharmacy/alerts/low-stock?threshold=-1", expect=422)
        self.call("admin", "GET", "/api/v1/pharmacy/alerts/expiring?days=30", expect=200)
        self.call("admin", "GET", "/api/v1/pharmacy/alerts/expiring?days=1000", expect=422)
        self.call("doctor", "GET", "/api/v1/pharmacy/alerts/expiring", expect=403)

    # --- errors of the request itself ---
    def request_errors(self):
        p = f"/api/v1/patients/{self.patient_id}/observations"
        self.call("patient", "POST", p, raw=b"{not json", expect=415)
        self.call("patient", "POST", p, raw=b"{not json",
                  headers={"Content-Type": "application/json"}, expect=400)
        self.call("patient", "POST", p, raw=b"[1]",
                  headers={"Content-Type": "application/json"}, expect=422)
        self.call("patient", "DELETE", "/api/v1/me", expect=405)
        self.call("patient", "GET", "/api/v1/patients/abc/profile", expect=422)
        self.call("nina", "GET", f"/api/v1/patients/{self.patient_id}/profile", expect=404)


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    """The demo clinic (two generated patients besides the named one) on SQLite, and one run of
    the session; the schemas do not depend on the dialect."""
    tmp_path = tmp_path_factory.mktemp("openapi")
    database = Database("sqlite", tmp_path)
    load = subprocess.run([BIN, "demo-data", f"--database={database.url}", "--patients=2",
                           "--observations=300", *FAST_HASH], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    assert load.returncode == 0, load.stderr
    with smtp_sink() as sink:
        server = Server(database, tmp_path, f"--smtp-url=smtp://127.0.0.1:{sink.port}",
                        *FAST_HASH, f"--models={MODELS}", f"--datasets={DATASETS}")
        try:
            recorded = Session(server, sink)
            recorded.run()
            if os.environ.get("VITALIS_OPENAPI_DUMP"):
                pathlib.Path(os.environ["VITALIS_OPENAPI_DUMP"]).write_text(
                    json.dumps(recorded.exchanges, indent=1, ensure_ascii=False))
            yield recorded
        finally:
            stop_and_check([server])


# --- the tests ---------------------------------------------------------------------------------

def test_the_document_is_openapi_3_1_with_sound_schemas(spec):
    assert spec["openapi"].startswith("3.1.")
    ids = [op["operationId"] for item in spec["paths"].values()
           for method, op in item.items() if method in METHODS]
    assert len(ids) == len(set(ids)), "operationIds repeat"
    tags = {tag["name"] for tag in spec["tags"]}
    for path, item in spec["paths"].items():
        named = set(re.findall(r"\{([^}]+)\}", path))
        for method, op in item.items():
            if method not in METHODS:
                continue
            assert op.get("tags") and set(op["tags"]) <= tags, f"{method} {path}: tags"
            params = [resolve(spec, p["$ref"]) if "$ref" in p else p
                      for p in item.get("parameters", []) + op.get("parameters", [])]
            in_path = {p["name"] for p in params if p["in"] == "path"}
            assert in_path == named, f"{method.upper()} {path}: path parameters {in_path}"
            assert any(s[0] in "12" for s in op["responses"]), f"{method} {path}: no success"
            # The statuses every operation of its kind can answer are stated.
            statuses, access = set(op["responses"]), op["x-access"]
            ids = [p for p in params if p["in"] == "path" and p["schema"].get("type") == "integer"]
            expected = {"default"} | ({"401"} if access != "public" else set()) \
                | ({"403"} if access not in ("public", "signed_in", "setup") else set()) \
                | ({"404", "422"} if ids else set())
            assert expected <= statuses, f"{method.upper()} {path}: missing {expected - statuses}"
    for name, schema in spec["components"]["schemas"].items():
        jsonschema.Draft202012Validator.check_schema(schema)
    # No stray keys (a comma in an unquoted YAML flow value makes one).
    for where, node, allowed in objects_to_check(spec):
        stray = {k for k in node if k not in allowed and not k.startswith("x-")}
        assert not stray, f"{where}: unknown keys {stray}"
    # Every reference resolves.
    text = SPEC_FILE.read_text(encoding="utf-8")
    for ref in set(re.findall(r"\$ref: '([^']+)'", text)):
        assert resolve(spec, ref) is not None, ref


SCHEMA_KEYWORDS = set("""$ref $defs type enum const properties required additionalProperties
    unevaluatedProperties patternProperties propertyNames items prefixItems minItems maxItems
    uniqueItems contains minimum maximum exclusiveMinimum exclusiveMaximum multipleOf minLength
    maxLength pattern format oneOf anyOf allOf not if then else dependentSchemas
    dependentRequired minProperties maxProperties title description default examples example
    deprecated readOnly writeOnly discriminator xml externalDocs $comment""".split())
PARAMETER_KEYS = {"name", "in", "description", "required", "deprecated", "schema", "style",
                  "explode", "allowEmptyValue", "allowReserved", "example", "examples", "$ref"}
OPERATION_KEYS = {"operationId", "tags", "summary", "description", "parameters", "requestBody",
                  "responses", "security", "deprecated", "servers", "callbacks", "externalDocs"}


def objects_to_check(spec):
    """(where, object, allowed keys) of the parameters, operations and schemas."""
    def schemas(node, where):
        if isinstance(node, dict):
            yield where, node, SCHEMA_KEYWORDS
            for key in ("properties", "$defs", "patternProperties"):
                for name, sub in node.get(key, {}).items():
                    yield from schemas(sub, f"{where}/{key}/{name}")
            for key in ("items", "additionalProperties", "unevaluatedProperties", "not", "if",
                        "then", "else"):
                yield from schemas(node.get(key), f"{where}/{key}")
            for key in ("oneOf", "anyOf", "allOf", "prefixItems"):
                for idx, sub in enumerate(node.get(key, [])):
                    yield from schemas(sub, f"{where}/{key}/{idx}")

    def media(content, where):
        for kind, body in (content or {}).items():
            yield from schemas(body.get("schema"), f"{where}/{kind}")

    for name, schema in spec["components"]["schemas"].items():
        yield from schemas(schema, f"#/components/schemas/{name}")
    for name, param in spec["components"]["parameters"].items():
        yield f"#/components/parameters/{name}", param, PARAMETER_KEYS
        yield from schemas(param.get("schema"), f"#/components/parameters/{name}/schema")
    for name, response in spec["components"]["responses"].items():
        yield from media(response.get("content"), f"#/components/responses/{name}")
    for path, item in spec["paths"].items():
        for idx, param in enumerate(item.get("parameters", [])):
            yield f"{path}/parameters/{idx}", param, PARAMETER_KEYS
        for method, op in item.items():
            if method not in METHODS:
                continue
            where = f"{method.upper()} {path}"
            yield where, op, OPERATION_KEYS
            for idx, param in enumerate(op.get("parameters", [])):
                yield f"{where} parameter {idx}", param, PARAMETER_KEYS
                yield from schemas(param.get("schema"), f"{where} parameter {idx}")
            yield from media(op.get("requestBody", {}).get("content"), f"{where} request")
            for status, response in op["responses"].items():
                yield from media(response.get("content"), f"{where} {status}")


def test_the_document_names_exactly_the_served_routes(spec, session):
    table, _ = session.call("admin", "GET", "/api/v1/admin/routes", expect=200)
    served = {(r["method"], shape(r["path"])) for r in table["items"]}
    assert len(served) > 80, "the route table looks empty"
    described = {(method, shape(path)) for method, path in operations(spec)}
    missing = sorted(f"{m} {p}" for m, p in served - described)
    extra = sorted(f"{m} {p}" for m, p in described - served)
    assert not missing, "served but not in docs/openapi.yaml:\n  " + "\n  ".join(missing)
    assert not extra, "in docs/openapi.yaml but not served:\n  " + "\n  ".join(extra)
    # The access rule of each route is stated in its description (x-access).
    rules = {(r["method"], shape(r["path"])): r["access"] for r in table["items"]}
    for method, path in operations(spec):
        op = spec["paths"][path][method.lower()]
        assert op.get("x-access") == rules[(method, shape(path))], f"{method} {path}: x-access"


def test_every_response_of_the_session_matches_its_schema(spec, session):
    problems, covered = [], set()
    for method, path, status, content_type, body, _ in session.exchanges:
        template = find_operation(spec, method, path)
        if template is None:
            if status == 405:
                continue  # no such method on an existing path: the router's answer
            problems.append(f"{method} {path}: no operation in the document")
            continue
        covered.add((method, template))
        schema, found = response_schema(spec, method, template, status)
        if found == "undocumented":
            problems.append(f"{method} {template}: status {status} is not documented")
            continue
        if found == "no-json":
            if body is not None:
                problems.append(f"{method} {template} {status}: JSON body, none documented")
            continue
        if body is None:
            problems.append(f"{method} {template} {status}: no JSON body ({content_type})")
            continue
        for error in errors_of(spec, schema, body)[:3]:
            where = "/".join(str(p) for p in error.absolute_path)
            problems.append(f"{method} {template} {status} at /{where}: {error.message[:300]}")
        if status >= 400 and "error" in body and \
                body["error"].get("code") not in ERROR_CODES.get(status, ()):
            problems.append(f"{method} {template} {status}: error code {body['error'].get('code')}")
    assert not problems, "\n".join(problems)
    # The session calls every operation: a new route gets its schemas checked too.
    uncovered = sorted(f"{m} {p}" for m, p in operations(spec) - covered)
    assert not uncovered, "operations the session never calls (add them to Session):\n  " + \
        "\n  ".join(uncovered)


def test_the_requests_the_server_accepted_match_their_schemas(spec, session):
    """The other half of a contract: what the server took (2xx) is what the document asks for, so
    a required field the server does not need, or a wrong type, shows here."""
    problems, checked = [], 0
    for method, path, status, _, _, sent in session.exchanges:
        template = find_operation(spec, method, path)
        if sent is None or template is None or not 200 <= status < 300:
            continue
        body = spec["paths"][template][method.lower()].get("requestBody")
        if body is None:
            problems.append(f"{method} {template}: a body was accepted but none is described")
            continue
        while "$ref" in body:
            body = resolve(spec, body["$ref"])
        checked += 1
        for error in errors_of(spec, body["content"]["application/json"]["schema"], sent)[:3]:
            problems.append(f"{method} {template} request: {error.message[:300]}")
    assert checked > 40
    assert not problems, "\n".join(problems)


# --- the schemas are strict enough to catch drift -----------------------------------------------

def sample(session, spec, method, template, status):
    for m, path, s, _, body, _ in session.exchanges:
        if m == method and s == status and find_operation(spec, m, path) == template:
            return body
    raise AssertionError(f"no {status} answer to {method} {template} in the session")


def test_a_renamed_added_dropped_or_retyped_field_fails(spec, session):
    template = "/api/v1/patients/{patient_id}/observations"
    body = sample(session, spec, "POST", template, 201)
    schema, _ = response_schema(spec, "POST", template, 201)
    assert errors_of(spec, schema, body) == []
    entry = body["items"][0]
    for name, change in (
            ("an added field", lambda e: e.update(note="new")),
            ("a dropped field", lambda e: e.pop("flag")),
            ("a renamed field", lambda e: e.update(effective=e.pop("effective_at"))),
            ("a retyped field", lambda e: e.update(value=str(e["value"]))),
            ("null where a value is required", lambda e: e.update(code=None))):
        drifted = copy.deepcopy(body)
        change(drifted["items"][0])
        assert errors_of(spec, schema, drifted), f"{name} in an observation was not caught"
    assert entry  # the sample itself stays as the server sent it
    # Schemas composed with allOf are closed as a whole (unevaluatedProperties).
    me = sample(session, spec, "GET", "/api/v1/me", 200)
    schema, _ = response_schema(spec, "GET", "/api/v1/me", 200)
    assert errors_of(spec, schema, me) == []
    for name, change in (("an added field", lambda b: b.update(nickname="Mimi")),
                         ("a dropped field", lambda b: b.pop("pending_email")),
                         ("a retyped field", lambda b: b.update(id=str(b["id"])))):
        drifted = copy.deepcopy(me)
        change(drifted)
        assert errors_of(spec, schema, drifted), f"{name} in the account was not caught"


def test_a_schema_that_lost_or_retyped_a_property_rejects_real_answers(spec, session):
    """The other direction: the server keeps a field that the document dropped or retyped."""
    checks = [("GET", "/api/v1/me", 200, "AccountFields", "created_at"),
              ("GET", "/api/v1/patients/{patient_id}/timeline", 200, "Encounter", "reason"),
              ("GET", "/api/v1/alerts", 200, "Alert", "patient_name"),
              ("POST", "/api/v1/predictions/{model}", 200, "PredictionFields", "confidence")]
    for method, template, status, name, field in checks:
        body = sample(session, spec, method, template, status)
        schema, _ = response_schema(spec, method, template, status)
        for mutate in ("drop", "retype"):
            mutated = copy.deepcopy(spec)
            target = mutated["components"]["schemas"][name]
            if mutate == "drop":
                del target["properties"][field]
                target["required"] = [r for r in target["required"] if r != field]
            else:
                target["properties"][field] = {"type": "boolean"}
            assert errors_of(mutated, schema, body), f"{mutate} {name}.{field} was not caught"
        assert errors_of(spec, schema, body) == []


def test_every_object_schema_is_closed(spec):
    """An object schema with properties forbids others, or says why not (`x-open`: a part of an
    allOf whose whole has `unevaluatedProperties: false`, or a request body that ignores extra
    keys); every allOf is closed as a whole."""
    def walk(node, where):
        if isinstance(node, dict):
            closed = node.get("additionalProperties") is False or \
                node.get("unevaluatedProperties") is False
            if node.get("type") == "object" and "properties" in node:
                assert closed or "x-open" in node, f"{where}: object that is not closed"
                assert "required" in node or "x-open" in node, f"{where}: no required list"
            if "allOf" in node and "x-open" not in node:
                assert closed, f"{where}: allOf without unevaluatedProperties: false"
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for idx, value in enumerate(node):
                walk(value, f"{where}/{idx}")
    walk(spec["components"]["schemas"], "#/components/schemas")

