"""Session lifetime limits (issue 16, lows): a sign-in's session family ends a fixed time after it
began however often it is renewed (--session-max-age-seconds), and doctors' and administrators'
sessions end after a while without activity (--staff-idle-seconds: no token renewal for that
long); patients are not logged off for idleness. Both audited as auth.session_expired."""
import http.cookies
import time

from conftest import assert_error
from test_identity import FAST_HASH, Api, smtp  # noqa: F401 (smtp is a fixture)


def start_api(start_server, database, smtp, tmp_path, *extra):  # noqa: F811
    server = start_server(database, f"--smtp-url=smtp://127.0.0.1:{smtp.port}", *FAST_HASH, *extra)
    return Api(server, smtp, tmp_path)


def renew(api, cookie):
    status, headers, body = api.call("POST", "/api/v1/auth/refresh",
                                     headers={"Cookie": f"vitalis_refresh={cookie}"})
    if status != 200:
        return status, body, None
    return status, body, http.cookies.SimpleCookie(headers["set-cookie"])["vitalis_refresh"].value


def expired_rows(api, admin_token):
    status, _, body = api.call("GET", "/api/v1/admin/audit?action=auth.session_expired",
                               admin_token)
    assert status == 200, body
    return [(row["actor_id"], row["reason"]) for row in body["items"]]


def test_a_session_ends_at_its_absolute_lifetime_however_often_renewed(
        start_server, database, smtp, tmp_path):  # noqa: F811
    api = start_api(start_server, database, smtp, tmp_path, "--session-max-age-seconds=3")
    api.sign_up_patient("ana@example.org")
    api.verify("ana@example.org")
    _, cookie, account = api.sign_in("ana@example.org")
    started = time.monotonic()
    while time.monotonic() - started < 2.5:  # renewed often: never idle
        status, body, cookie = renew(api, cookie)
        assert status == 200, body
        time.sleep(0.5)
    time.sleep(max(0.0, 3.2 - (time.monotonic() - started)))
    status, body, _ = renew(api, cookie)
    assert status == 401, body
    assert_error(body, "unauthenticated")
    assert "time limit" in body["error"]["message"]
    # A new sign-in starts a new lifetime.
    _, fresh, _ = api.sign_in("ana@example.org")
    assert renew(api, fresh)[0] == 200
    admin, _ = api.create_admin()
    assert expired_rows(api, admin) == [(account["id"], "absolute session lifetime reached")]


def test_staff_sessions_end_when_idle_and_patients_stay(start_server, database, smtp, tmp_path):  # noqa: F811
    api = start_api(start_server, database, smtp, tmp_path, "--staff-idle-seconds=2")
    admin, _ = api.create_admin()
    _, doctor_id = api.doctor("bruno@example.org", admin)
    api.sign_up_patient("ana@example.org")
    api.verify("ana@example.org")
    _, patient_cookie, _ = api.sign_in("ana@example.org")
    _, busy_cookie, _ = api.sign_in("bruno@example.org")
    _, idle_cookie, _ = api.sign_in("bruno@example.org")
    # One device keeps renewing (activity); the other is left alone for longer than 2 s.
    for _ in range(5):
        time.sleep(0.6)
        status, body, busy_cookie = renew(api, busy_cookie)
        assert status == 200, body
    status, body, _ = renew(api, idle_cookie)
    assert status == 401, body
    assert "without activity" in body["error"]["message"]
    assert renew(api, patient_cookie)[0] == 200  # patients are not logged off for idleness
    assert expired_rows(api, admin) == [(doctor_id, "staff idle logoff")]
