"""Issue 16: the server secret is not used directly for everything. Access tokens are signed with
the key derived from it for "access" (libsodium crypto_kdf: keyed BLAKE2b, subkey 1, the
purpose as context), so a token signed with the secret itself or another purpose's key is
refused, while the audit chain stays on the secret (`vitalis audit verify` passes).
Dialect-independent: SQLite only."""
import base64
import hashlib
import hmac
import json
import subprocess

from conftest import BIN, signed_in_admin


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
