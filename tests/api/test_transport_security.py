"""Issue 16: served over HTTPS (a TLS proxy in front, known from --public-url or --https), the
refresh cookie carries Secure and every answer Strict-Transport-Security; over plain HTTP (local
`make run`) neither, or the browser would refuse the cookie and pin HTTPS on localhost.
Dialect-independent: SQLite only."""
import http.cookies

from conftest import sign_in, signed_in_admin

YEAR = 365 * 24 * 3600


def refresh_cookie(headers):
    return http.cookies.SimpleCookie(headers["set-cookie"])["vitalis_refresh"]


def answers(server):
    """(status, headers) of a routed answer, a 401, a static file and an unknown API path."""
    out = [server.request("GET", path)[:2]
           for path in ("/healthz", "/api/v1/me", "/", "/api/v1/no-such-route")]
    assert [status for status, _ in out] == [200, 401, 200, 404]
    return out


def test_over_https_the_cookie_is_secure_and_hsts_is_sent(start_server, sqlite_database,
                                                           tmp_path):
    server = start_server(sqlite_database, "--public-url=https://clinic.example/vitalis/")
    admin = signed_in_admin(server, tmp_path)
    status, headers, _ = sign_in(server, "admin@example.org", "a sound passphrase for the admin")
    assert status == 200
    cookie = refresh_cookie(headers)
    assert cookie["secure"] is True, headers["set-cookie"]
    assert cookie["httponly"] is True and cookie["samesite"] == "Strict"
    assert headers["strict-transport-security"] == f"max-age={YEAR}"
    # Signing out clears the cookie with the same attributes.
    status, headers, _ = admin.request("POST", "/api/v1/auth/signout",
                                       headers={"Cookie": f"vitalis_refresh={cookie.value}"})
    assert status == 204, headers
    assert refresh_cookie(headers)["secure"] is True, headers["set-cookie"]
    for status, headers in answers(server):
        assert headers.get("strict-transport-security") == f"max-age={YEAR}", (status, headers)


def test_over_http_there_is_neither(start_server, sqlite_database, tmp_path):
    server = start_server(sqlite_database)  # the default public URL is http://127.0.0.1:8080
    signed_in_admin(server, tmp_path)
    status, headers, _ = sign_in(server, "admin@example.org", "a sound passphrase for the admin")
    assert status == 200
    assert refresh_cookie(headers)["secure"] == "", headers["set-cookie"]
    for status, headers in answers(server):
        assert "strict-transport-security" not in headers, (status, headers)


def test_https_and_hsts_are_configurable(start_server, sqlite_database):
    """--https=true behind a proxy whose public URL is unknown; --hsts-seconds sets the max-age,
    0 turns HSTS off; --https=false keeps both off whatever the public URL says."""
    short = start_server(sqlite_database, "--https=true", "--hsts-seconds=600")
    for status, headers in answers(short):
        assert headers.get("strict-transport-security") == "max-age=600", (status, headers)
    off = start_server(sqlite_database, "--public-url=https://clinic.example/",
                       "--hsts-seconds=0")
    for status, headers in answers(off):
        assert "strict-transport-security" not in headers, (status, headers)
    plain = start_server(sqlite_database, "--public-url=https://clinic.example/", "--https=false")
    for status, headers in answers(plain):
        assert "strict-transport-security" not in headers, (status, headers)
