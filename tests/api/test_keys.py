"""Issue 16: the server secret is not used directly for everything. Access tokens are signed with
the key derived from it for "access" (libsodium crypto_kdf: keyed BLAKE2b, subkey 1, the
purpose as context), so a token signed with the secret itself or another purpose's key is
refused, while the audit chain stays on the secret (`vitalis audit verify` passes). Key rotation
between server runs keeps sessions and the audit chain; rows cut from the end of the audit log are
named against the anchored head."""
import base64
import hashlib
import hmac
import http.cookies
import json
import sqlite3
import subprocess

from conftest import ADMIN_PASSWORD, BIN, signed_in_admin
from conftest import sign_in as sign_in_with_second_step


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def derive(root, purpose):
    """libsodium's crypto_kdf_derive_from_key(32, subkey 1, purpose, root)."""
    return hashlib.blake2b(key=root, digest_size=32,
                           salt=(1).to_bytes(8, "little") + bytes(8),
                           person=purpose.encode().ljust(16, b"\0")).digest()


def resign(token, key):
    header_payload = token.rsplit(".", 1)[0]
    signature = hmac.new(key, header_payload.encode(), hashlib.sha256).digest()
    return header_payload + "." + b64url(signature)


def test_access_tokens_are_signed_with_the_access_key_only(start_server, sqlite_database,
                                                           tmp_path):
    server = start_server(sqlite_database)
    admin = signed_in_admin(server, tmp_path)
    root = unb64url((tmp_path / "var" / "secret.key").read_text().strip())
    assert len(root) == 32
    payload = json.loads(unb64url(admin.token.split(".")[1]))
    assert payload["sub"] and payload["sid"]

    def me(token):
        return server.request("GET", "/api/v1/me", headers={"Authorization": f"Bearer {token}"})[0]

    assert me(admin.token) == 200
    # The server's own token is exactly the HMAC under the derived "access" key.
    assert resign(admin.token, derive(root, "access")) == admin.token
    for key in (root, derive(root, "codes"), derive(root, "refresh"), derive(root, "outbox")):
        assert me(resign(admin.token, key)) == 401
    # The audit chain (sign-in, admin creation) still verifies with the secret.
    verified = subprocess.run([BIN, "audit", "verify", f"--database={sqlite_database.url}"],
                              capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert verified.returncode == 0, verified.stdout + verified.stderr


# --- issue 16: key rotation and the audit chain's anchored head -------------------------------

def vitalis(tmp_path, *args):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=120, cwd=tmp_path)


def sign_in(server):
    # The admin's two-step sign-in is answered by the tests' authenticator (its secret was sealed
    # before any rotation: opening it after one is part of what is checked).
    status, headers, body = sign_in_with_second_step(server, "admin@example.org", ADMIN_PASSWORD)
    assert status == 200, body
    refresh = http.cookies.SimpleCookie(headers["set-cookie"])["vitalis_refresh"].value
    return body["access_token"], refresh


def kid(token):
    return json.loads(unb64url(token.split(".")[0])).get("kid")


def status_of(server, token):
    return server.request("GET", "/api/v1/me", headers={"Authorization": f"Bearer {token}"})[0]


def test_a_key_rotation_between_server_runs_keeps_sessions_and_the_audit_chain(
        start_server, database, tmp_path):
    first = start_server(database)
    signed_in_admin(first, tmp_path)
    token, refresh = sign_in(first)
    first.stop()
    key_file = tmp_path / "var" / "secret.key"
    old_text = key_file.read_text()
    listed = vitalis(tmp_path, "keys", "list")
    assert listed.returncode == 0, listed.stderr
    old_id = kid(token)
    assert old_id in listed.stdout and "newest" in listed.stdout

    rotated = vitalis(tmp_path, "keys", "rotate")
    assert rotated.returncode == 0, rotated.stderr
    text = key_file.read_text()
    assert text.startswith("vitalis-keyring 1\n")
    assert old_text.strip() in text  # the old key stays
    assert key_file.stat().st_mode & 0o777 == 0o600
    listed = vitalis(tmp_path, "keys", "list")
    new_id = [line.split()[0] for line in listed.stdout.splitlines() if "newest" in line][0]
    assert new_id != old_id and old_id in listed.stdout
    assert old_text.strip() not in listed.stdout  # ids and ages, never the keys

    second = start_server(database)
    assert status_of(second, token) == 200  # signed before the rotation, still accepted
    status, headers, renewed = second.json("POST", "/api/v1/auth/refresh",
                                           headers={"Cookie": f"vitalis_refresh={refresh}"})
    assert status == 200, renewed
    assert kid(renewed["access_token"]) == new_id
    assert status_of(second, renewed["access_token"]) == 200
    later_token, _ = sign_in(second)
    second.stop()
    verified = vitalis(tmp_path, "audit", "verify", f"--database={database.url}")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "audit chain intact" in verified.stdout and "is in place" in verified.stdout

    # Retired: rows it sealed keep it (audit-only); its tokens stop working.
    retired = vitalis(tmp_path, "keys", "retire", old_id, f"--database={database.url}")
    assert retired.returncode == 0, retired.stdout + retired.stderr
    assert "audit-only" in retired.stdout
    refused = vitalis(tmp_path, "keys", "retire", new_id, f"--database={database.url}")
    assert refused.returncode != 0 and "newest" in refused.stderr
    third = start_server(database)
    assert status_of(third, token) == 401
    assert status_of(third, later_token) == 200
    third.stop()
    verified = vitalis(tmp_path, "audit", "verify", f"--database={database.url}")
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_rows_removed_from_the_end_of_the_audit_log_are_detected(start_server, sqlite_database,
                                                                  tmp_path):
    server = start_server(sqlite_database)
    signed_in_admin(server, tmp_path)
    sign_in(server)
    server.stop()  # anchors the head at shutdown
    anchor = tmp_path / "var" / "audit.anchor"
    assert anchor.stat().st_mode & 0o777 == 0o600
    database = ["--database", sqlite_database.url]
    verified = vitalis(tmp_path, "audit", "verify", *database)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    head = verified.stdout.split("head: row ")[1].split()[0]
    db_file = sqlite_database.url.removeprefix("sqlite:")
    with sqlite3.connect(db_file) as conn:
        last = conn.execute("SELECT MAX(id) FROM audit_log").fetchone()[0]
        assert int(head) == last
        conn.execute("DELETE FROM audit_log WHERE id > ?", (last - 2,))
    verified = vitalis(tmp_path, "audit", "verify", *database)
    assert verified.returncode == 1, verified.stdout
    assert "audit chain intact" in verified.stdout  # the chain alone cannot tell
    assert (f"the audit log ends at row {last - 2} but was anchored at row {last} on "
            in verified.stdout), verified.stdout
    assert ": rows were removed" in verified.stdout
    # A server started on the truncated log keeps the anchor as evidence.
    evidence = anchor.read_text()
    again = start_server(sqlite_database)
    again.stop()
    assert anchor.read_text() == evidence
    assert any("audit anchor not updated" in line for line in again.log_lines)
    refused = vitalis(tmp_path, "audit", "anchor", *database)
    assert refused.returncode != 0 and "rows were removed" in refused.stderr

    with sqlite3.connect(db_file) as conn:
        conn.execute("DELETE FROM audit_log")
    verified = vitalis(tmp_path, "audit", "verify", *database)
    assert verified.returncode == 1
    assert f"the audit log is empty but was anchored at row {last}" in verified.stdout

    # An edited anchor (moved back to hide the removal) is refused as such.
    anchor.write_text(evidence.replace(f"row {last}\n", "row 0\n"))
    verified = vitalis(tmp_path, "audit", "verify", *database)
    assert verified.returncode == 1 and "INVALID" in verified.stdout, verified.stdout
    # No anchor at all (a first run): said plainly, not a failure.
    anchor.unlink()
    verified = vitalis(tmp_path, "audit", "verify", *database)
    assert verified.returncode == 0, verified.stdout
    assert "no audit anchor" in verified.stdout
