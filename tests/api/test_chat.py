"""The chat (src/chat) against the real binary: conversations only between a patient and a
doctor on their care team, history reads audited, a resend with one client id stored once, one
order for both sides, receipts and unread counts; the /ws/chat socket with a real WebSocket client
(python3-websockets): a bad Origin refused, authentication in the first message (a bad token, an
administrator, silence: each closed with its code), a signed-out session's socket closed, live
messages, typing (throttled) and read receipts, an oversize frame closed with 1009, resume after a
reconnect, a client that does not read disconnected without slowing anyone else; the long-poll
fallback; and the offline email, once, without the message."""
import asyncio
import json
import socket
import struct
import threading
import time
import uuid

import pytest
import websockets

from test_identity import FAST_HASH, Api, smtp, wait_until  # noqa: F401 (smtp: fixture)


def chat_api(start_server, database, smtp, tmp_path, *flags):
    server = start_server(database, f"--smtp-url=smtp://127.0.0.1:{smtp.port}", *FAST_HASH,
                          "--chat-session-check-seconds=1", *flags)
    return Api(server, smtp, tmp_path)


@pytest.fixture
def chat(start_server, database, smtp, tmp_path):
    return chat_api(start_server, database, smtp, tmp_path)


def people(api):
    """An admin, a doctor, a patient with the doctor on her care team, and another patient."""
    admin, _ = api.create_admin()
    doctor, doctor_id = api.doctor("dora@example.org", admin, name="Dr Dora Reis")
    patient, patient_id = api.patient("ana@example.org", name="Ana Silva")
    status, _, reply = api.call("POST", f"/api/v1/patients/{patient_id}/care-team", patient,
                                body={"doctor_id": doctor_id})
    assert status == 201, reply
    other, other_id = api.patient("carla@example.org", name="Carla Dias")
    return admin, (doctor, doctor_id), (patient, patient_id), (other, other_id)


def start(api, token, other_id):
    status, _, conversation = api.call("POST", "/api/v1/chat/conversations", token,
                                       body={"other_id": other_id})
    assert status in (200, 201), conversation
    return conversation


def field_of(reply):
    return reply["error"].get("field")


def url(api):
    return f"ws://127.0.0.1:{api.server.port}/ws/chat"


async def signed_in(api, token, resume=None):
    """A socket that has authenticated; returns it and its ready event."""
    ws = await websockets.connect(url(api), max_size=None)
    await ws.send(json.dumps({"type": "auth", "token": token, **({"resume": resume} if resume
                                                                  else {})}))
    ready = json.loads(await asyncio.wait_for(ws.recv(), 10))
    assert ready["type"] == "ready", ready
    return ws, ready


async def next_event(ws, kind, timeout=10):
    """The next event of `kind` (others are skipped)."""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        assert left > 0, f"no {kind} event"
        event = json.loads(await asyncio.wait_for(ws.recv(), left))
        if event["type"] == kind:
            return event


async def closed_with(ws, timeout=15):
    try:
        while True:
            await asyncio.wait_for(ws.recv(), timeout)
    except websockets.ConnectionClosed as closed:
        return closed.code


def test_conversations_history_receipts_over_http(chat):
    admin, (doctor, doctor_id), (patient, patient_id), (other, other_id) = people(chat)
    # Only with a doctor on the patient's care team; never for an administrator.
    status, _, reply = chat.call("POST", "/api/v1/chat/conversations", other,
                                 body={"other_id": doctor_id})
    assert status == 403 and field_of(reply) == "other_id", reply
    status, _, reply = chat.call("POST", "/api/v1/chat/conversations", admin,
                                 body={"other_id": patient_id})
    assert status == 403, reply
    status, _, reply = chat.call("POST", "/api/v1/chat/conversations", patient, body={})
    assert status == 422 and field_of(reply) == "other_id", reply
    status, _, conversation = chat.call("POST", "/api/v1/chat/conversations", patient,
                                        body={"other_id": doctor_id})
    assert status == 201 and conversation["other_name"] == "Dr Dora Reis", conversation
    again = start(chat, doctor, patient_id)
    assert again["id"] == conversation["id"] and again["other_name"] == "Ana Silva"
    path = f"/api/v1/chat/conversations/{conversation['id']}"
    # Messages: one order, a resend stored once, each bad field named.
    status, _, first = chat.call("POST", f"{path}/messages", patient,
                                 body={"client_id": "c-1", "text": "My chest feels tight"})
    assert status == 201 and first["seq"] == 1, first
    status, _, resent = chat.call("POST", f"{path}/messages", patient,
                                  body={"client_id": "c-1", "text": "My chest feels tight"})
    assert status == 200 and resent["id"] == first["id"], resent
    for body, field in (({"client_id": "c-1", "text": "other"}, "client_id"),
                        ({"client_id": "c-2", "text": ""}, "text"),
                        ({"client_id": "c-2", "text": "x" * 4001}, "text"),
                        ({"text": "hello"}, "client_id")):
        status, _, reply = chat.call("POST", f"{path}/messages", patient, body=body)
        assert status in (409, 422) and field_of(reply) == field, (body, reply)
    status, _, reply = chat.call("GET", f"{path}/messages", other)
    assert status == 404 and field_of(reply) == "conversation_id", reply
    status, _, reply = chat.call("GET", f"{path}/messages", admin)
    assert status == 404, reply
    status, _, second = chat.call("POST", f"{path}/messages", doctor,
                                  body={"client_id": "d-1", "text": "Since when?"})
    assert status == 201 and second["seq"] == 2
    status, _, mine = chat.call("GET", "/api/v1/chat/conversations", patient)
    assert mine["items"][0]["unread"] == 1 and "text" not in json.dumps(mine), mine
    # The navigation's badge: the same count in one number; the sender has nothing unread.
    assert chat.call("GET", "/api/v1/chat/unread", patient)[2] == {"unread": 1, "conversations": 1}
    assert chat.call("GET", "/api/v1/chat/unread", doctor)[2] == {"unread": 0, "conversations": 0}
    assert chat.call("GET", "/api/v1/chat/unread", admin)[2] == {"unread": 0, "conversations": 0}
    status, _, page = chat.call("GET", f"{path}/messages?limit=1", patient)
    assert status == 200 and [m["seq"] for m in page["items"]] == [2] and page["more"], page
    status, _, page = chat.call("GET", f"{path}/messages?before=2", patient)
    assert [m["text"] for m in page["items"]] == ["My chest feels tight"], page
    status, _, page = chat.call("GET", f"{path}/messages?after=1", doctor)
    assert [m["seq"] for m in page["items"]] == [2], page
    status, _, reply = chat.call("GET", f"{path}/messages?before=2&after=1", doctor)
    assert status == 422 and field_of(reply) == "after", reply
    # Receipts move forwards only; unread counts follow on every device.
    status, _, reply = chat.call("POST", f"{path}/receipts", patient,
                                 body={"kind": "read", "seq": 9})
    assert status == 422 and field_of(reply) == "seq", reply
    status, _, receipt = chat.call("POST", f"{path}/receipts", patient,
                                   body={"kind": "read", "seq": 2})
    assert status == 200 and receipt["read_seq"] == 2, receipt
    status, _, seen = chat.call("GET", path, doctor)
    assert seen["other_read_seq"] == 2 and seen["unread"] == 0, seen
    assert chat.call("GET", "/api/v1/chat/unread", patient)[2] == {"unread": 0, "conversations": 0}
    status, _, reply = chat.call("POST", f"{path}/typing", patient, body={"state": "maybe"})
    assert status == 422 and field_of(reply) == "state", reply
    assert chat.call("POST", f"{path}/typing", patient, body={"state": "started"})[0] == 204
    # Every history read is in the patient's access log (the doctor's reads show there).
    status, _, log = chat.call("GET", f"/api/v1/patients/{patient_id}/access-log", patient)
    actions = [row["action"] for row in log["items"]]
    assert "chat.read" in actions, actions
    # The messages are in the patient's export.
    status, _, record = chat.call("GET", f"/api/v1/patients/{patient_id}/export", patient)
    assert status == 200, record
    assert [m["text"] for m in record["chat_messages"]] == ["My chest feels tight", "Since when?"]


def test_socket_admission_authentication_and_session_end(chat):
    admin, (doctor, doctor_id), (patient, patient_id), _ = people(chat)

    async def scenario():
        # A page of another site is refused before the upgrade.
        with pytest.raises(websockets.InvalidStatusCode) as refused:
            await websockets.connect(url(chat), origin="https://evil.example")
        assert refused.value.status_code == 403
        # A bad token, an administrator, a first message that is not auth: closed with a code.
        ws = await websockets.connect(url(chat))
        await ws.send(json.dumps({"type": "auth", "token": "not-a-token"}))
        assert await closed_with(ws) == 4401
        ws = await websockets.connect(url(chat))
        await ws.send(json.dumps({"type": "auth", "token": admin}))
        assert await closed_with(ws) == 4403
        ws = await websockets.connect(url(chat))
        await ws.send(json.dumps({"type": "send", "text": "hi"}))
        assert await closed_with(ws) == 4401
        # Silence: closed once the authentication deadline (10 s) has passed.
        ws = await websockets.connect(url(chat))
        assert await closed_with(ws, timeout=20) == 4401
        # A signed-in socket of a session that signs out is closed (checked every second here).
        ws, ready = await signed_in(chat, patient)
        assert ready["account_id"] == patient_id
        status = await asyncio.to_thread(
            lambda: chat.call("POST", "/api/v1/auth/signout", patient)[0])
        assert status == 204
        assert await closed_with(ws) == 4409
    asyncio.run(scenario())


def test_live_messages_typing_receipts_order_resume_and_oversize(chat):
    _, (doctor, doctor_id), (patient, patient_id), _ = people(chat)
    conversation = start(chat, patient, doctor_id)
    cid = conversation["id"]

    async def scenario():
        pws, _ = await signed_in(chat, patient)
        dws, ready = await signed_in(chat, doctor)
        assert [c["id"] for c in ready["conversations"]] == [cid]
        presence = await next_event(pws, "presence")
        assert presence == {"type": "presence", "account_id": doctor_id, "online": True}
        # A message: acknowledged to its sender, delivered to the other side.
        client_id = str(uuid.uuid4())
        await pws.send(json.dumps({"type": "send", "conversation_id": cid,
                                   "client_id": client_id, "text": "Hello doctor"}))
        ack = await next_event(pws, "ack")
        assert ack["client_id"] == client_id and ack["message"]["seq"] == 1
        got = await next_event(dws, "message")
        assert got["message"]["text"] == "Hello doctor" and got["message"]["sender_id"] == patient_id
        # The same client id after a "reconnect": acknowledged with the stored one, not resent.
        await pws.send(json.dumps({"type": "send", "conversation_id": cid,
                                   "client_id": client_id, "text": "Hello doctor"}))
        again = await next_event(pws, "ack")
        assert again["message"]["id"] == ack["message"]["id"]
        # Typing: the first "started" passes, the next within two seconds does not.
        await dws.send(json.dumps({"type": "typing", "conversation_id": cid, "state": "started"}))
        await dws.send(json.dumps({"type": "typing", "conversation_id": cid, "state": "started"}))
        typing = await next_event(pws, "typing")
        assert typing["state"] == "started" and typing["account_id"] == doctor_id
        await dws.send(json.dumps({"type": "typing", "conversation_id": cid, "state": "stopped"}))
        assert (await next_event(pws, "typing"))["state"] == "stopped"
        # Sending ends typing: the other side sees the message, then typing stop.
        await pws.send(json.dumps({"type": "typing", "conversation_id": cid, "state": "started"}))
        assert (await next_event(dws, "typing"))["state"] == "started"
        await pws.send(json.dumps({"type": "send", "conversation_id": cid,
                                   "client_id": "typed-then-sent", "text": "Sorry, one more"}))
        await next_event(pws, "ack")
        assert (await next_event(dws, "message"))["message"]["text"] == "Sorry, one more"
        assert (await next_event(dws, "typing"))["state"] == "stopped"
        # Read: the sender sees the tick.
        await dws.send(json.dumps({"type": "read", "conversation_id": cid, "seq": 1}))
        receipt = await next_event(pws, "receipt")
        assert receipt["account_id"] == doctor_id and receipt["read_seq"] == 1
        # Twenty quick messages arrive in the order the server numbered them.
        for number in range(20):
            await pws.send(json.dumps({"type": "send", "conversation_id": cid,
                                       "client_id": f"burst-{number}", "text": f"n{number}"}))
        seqs = [(await next_event(dws, "message"))["message"]["seq"] for _ in range(20)]
        assert seqs == list(range(3, 23)), seqs
        # Errors name their field and keep the socket open.
        await pws.send(json.dumps({"type": "send", "conversation_id": cid, "client_id": "e",
                                   "text": " "}))
        error = await next_event(pws, "error")
        assert error["field"] == "text" and error["ref"] == "e", error
        # Resume: the doctor goes away, three messages come, the doctor comes back from seq 22.
        await dws.close()
        for number in range(3):
            await pws.send(json.dumps({"type": "send", "conversation_id": cid,
                                       "client_id": f"later-{number}", "text": f"l{number}"}))
            await next_event(pws, "ack")
        dws, _ = await signed_in(chat, doctor, resume={str(cid): 22})
        missed = [(await next_event(dws, "message"))["message"]["text"] for _ in range(3)]
        assert missed == ["l0", "l1", "l2"], missed
        # A frame over the limit closes the socket with 1009 (too big).
        await pws.send(json.dumps({"type": "send", "conversation_id": cid, "client_id": "big",
                                   "text": "x" * 40000}))
        assert await closed_with(pws) == 1009
        await dws.close()
    asyncio.run(scenario())
    status, _, page = chat.call("GET", f"/api/v1/chat/conversations/{cid}/messages?limit=100",
                                patient)
    assert len(page["items"]) == 25 and "x" * 100 not in json.dumps(page)


def raw_socket(api, token, receive_buffer=4096):
    """A WebSocket over a plain socket with a small receive buffer, authenticated, that its
    caller then never reads."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    sock.connect(("127.0.0.1", api.server.port))
    sock.sendall(b"GET /ws/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                 b"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                 b"Sec-WebSocket-Version: 13\r\n\r\n")
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1)
    assert head.startswith(b"HTTP/1.1 101"), head
    payload = json.dumps({"type": "auth", "token": token}).encode()
    mask = b"\x01\x02\x03\x04"
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    sock.sendall(struct.pack("!BBH", 0x81, 0x80 | 126, len(payload)) + mask + masked)
    return sock


FLOOD = 3000


def test_a_client_that_does_not_read_is_disconnected_without_slowing_others(chat):
    _, (doctor, doctor_id), (patient, patient_id), _ = people(chat)
    cid = start(chat, patient, doctor_id)["id"]
    stuck = raw_socket(chat, doctor)  # the doctor's device that never reads
    try:
        check_flood(chat, cid, doctor, patient, stuck)
    finally:
        stuck.close()


def check_flood(chat, cid, doctor, patient, stuck):
    async def scenario():
        dws, _ = await signed_in(chat, doctor)  # the doctor's other device, reading
        pws, _ = await signed_in(chat, patient)
        # 12 MB for the stuck device: more than its queue (4 MiB) and the kernel's buffers hold.
        text = "y" * 3900
        for batch in range(FLOOD // 50):
            for number in range(batch * 50, batch * 50 + 50):
                await pws.send(json.dumps({"type": "send", "conversation_id": cid,
                                           "client_id": f"flood-{number}", "text": text}))
            for _ in range(50):
                await next_event(pws, "ack")
                await next_event(dws, "message")
        await pws.close()
        await dws.close()
    # The reading device got every message (each within next_event's 10 s) while the stuck one
    # filled up: nobody waited for it.
    asyncio.run(scenario())
    # The stuck one was cut off: reading now ends in EOF or a reset, not 1,500 messages.
    stuck.settimeout(10)
    received = 0
    try:
        while True:
            chunk = stuck.recv(65536)
            if not chunk:
                break
            received += len(chunk)
    except (ConnectionResetError, socket.timeout):
        pass
    assert received < FLOOD * 3900, received
    assert wait_until(lambda: any("not reading" in line for line in chat.server.log_lines))


def test_long_poll_fallback(chat):
    _, (doctor, doctor_id), (patient, patient_id), _ = people(chat)
    cid = start(chat, patient, doctor_id)["id"]
    status, _, first = chat.call("GET", "/api/v1/chat/poll", doctor)
    assert status == 200 and first["conversations"][0]["id"] == cid, first
    status, _, reply = chat.call("GET", "/api/v1/chat/poll?timeout=99", doctor)
    assert status == 422 and field_of(reply) == "timeout", reply
    answer = {}

    def poll():
        started = time.monotonic()
        answer["reply"] = chat.call("GET", f"/api/v1/chat/poll?cursor={first['cursor']}"
                                    "&timeout=20", doctor)
        answer["took"] = time.monotonic() - started
    waiting = threading.Thread(target=poll)
    waiting.start()
    time.sleep(1)
    assert waiting.is_alive()  # nothing new: the poll waits
    status, _, _ = chat.call("POST", f"/api/v1/chat/conversations/{cid}/messages", patient,
                             body={"client_id": "p-1", "text": "Are you there?"})
    assert status == 201
    waiting.join(15)
    status, _, reply = answer["reply"]
    assert status == 200 and answer["took"] < 10, answer
    assert reply["conversations"][0]["unread"] == 1 and reply["cursor"] != first["cursor"]
    # The new message is then read like history (and audited as such).
    status, _, page = chat.call("GET", f"/api/v1/chat/conversations/{cid}/messages?after=0",
                                doctor)
    assert [m["text"] for m in page["items"]] == ["Are you there?"]
    # A poll with the current cursor and no events waits out its timeout.
    started = time.monotonic()
    status, _, quiet = chat.call("GET", f"/api/v1/chat/poll?cursor={reply['cursor']}&timeout=2",
                                 doctor)
    assert status == 200 and 1.5 < time.monotonic() - started < 6, quiet
    # Typing reaches a poll once: the next poll with the cursor it gave waits again.
    chat.call("POST", f"/api/v1/chat/conversations/{cid}/typing", patient,
              body={"state": "started"})
    status, _, typed = chat.call("GET", f"/api/v1/chat/poll?cursor={quiet['cursor']}&timeout=5",
                                 doctor)
    assert [e["type"] for e in typed["events"]] == ["typing"], typed
    started = time.monotonic()
    status, _, after = chat.call("GET", f"/api/v1/chat/poll?cursor={typed['cursor']}&timeout=2",
                                 doctor)
    assert after["events"] == [] and time.monotonic() - started > 1.5, after
    # Someone polling counts as online (no offline email for them, a dot for the other side).
    status, _, seen = chat.call("GET", f"/api/v1/chat/conversations/{cid}", patient)
    assert seen["other_online"] is True, seen


def test_offline_email_once_without_the_message(start_server, database, smtp, tmp_path):
    api = chat_api(start_server, database, smtp, tmp_path, "--chat-email-after-seconds=2")
    _, (doctor, doctor_id), (patient, patient_id), _ = people(api)
    cid = start(api, patient, doctor_id)["id"]
    path = f"/api/v1/chat/conversations/{cid}/messages"
    api.call("POST", path, patient, body={"client_id": "a", "text": "My ankle is swollen"})
    assert wait_until(lambda: len([m for m in api.smtp.to("dora@example.org")
                                   if "new message" in m["Subject"]]) == 1, timeout=20)
    api.call("POST", path, patient, body={"client_id": "b", "text": "And red"})
    time.sleep(5)
    mails = [m for m in api.smtp.to("dora@example.org") if "new message" in m["Subject"]]
    assert len(mails) == 1
    text = mails[0].as_string()
    assert "Ana Silva" in text and "ankle" not in text and "red" not in text.lower().split()
    assert f"/chat/{cid}" in text


def test_two_servers_on_one_postgresql_behave_as_one(start_server, postgres_database, smtp,
                                                    tmp_path):
    first = chat_api(start_server, postgres_database, smtp, tmp_path)
    second = Api(start_server(postgres_database, f"--smtp-url=smtp://127.0.0.1:{smtp.port}",
                              *FAST_HASH, "--chat-session-check-seconds=1"), smtp, tmp_path)
    _, (doctor, doctor_id), (patient, patient_id), _ = people(first)
    cid = start(first, patient, doctor_id)["id"]

    async def scenario():
        pws, _ = await signed_in(first, patient)    # the patient on server one
        dws, _ = await signed_in(second, doctor)    # the doctor on server two
        presence = await next_event(pws, "presence")
        assert presence["account_id"] == doctor_id and presence["online"] is True
        await pws.send(json.dumps({"type": "send", "conversation_id": cid, "client_id": "x-1",
                                   "text": "Across servers"}))
        got = await next_event(dws, "message")
        assert got["message"]["text"] == "Across servers"
        await dws.send(json.dumps({"type": "typing", "conversation_id": cid, "state": "started"}))
        assert (await next_event(pws, "typing"))["account_id"] == doctor_id
        await dws.send(json.dumps({"type": "read", "conversation_id": cid,
                                   "seq": got["message"]["seq"]}))
        receipt = await next_event(pws, "receipt")
        assert receipt["read_seq"] == got["message"]["seq"]
        # A message sent over HTTP to server two reaches the socket on server one.
        status = await asyncio.to_thread(lambda: second.call(
            "POST", f"/api/v1/chat/conversations/{cid}/messages", doctor,
            body={"client_id": "y-1", "text": "Got it"})[0])
        assert status == 201
        assert (await next_event(pws, "message"))["message"]["text"] == "Got it"
        await dws.close()
        presence = await next_event(pws, "presence")
        assert presence == {"type": "presence", "account_id": doctor_id, "online": False}
        await pws.close()
    asyncio.run(scenario())


def test_an_idle_socket_that_does_not_answer_pings_is_closed(start_server, sqlite_database, smtp,
                                                             tmp_path):
    api = chat_api(start_server, sqlite_database, smtp, tmp_path, "--websocket-idle-seconds=2")
    _, (doctor, _), _, _ = people(api)
    silent = raw_socket(api, doctor, receive_buffer=65536)  # never answers the server's pings
    try:
        silent.settimeout(30)  # far beyond the idle timeout: socket.timeout fails the test
        received = b""
        while True:
            chunk = silent.recv(65536)
            if not chunk:
                break  # closed by the server
            received += chunk
    finally:
        silent.close()
    assert b'"type":"ready"' in received
    assert b"\x89" in received  # it was pinged (a ping frame's first byte) before being cut off
