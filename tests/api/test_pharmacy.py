"""The pharmacy (src/pharmacy) against the real binary on SQLite and PostgreSQL: the catalogue
imported by `vitalis import medicines` from a table in the dataset's shape, search (ingredient,
use, prefix, typo), stock received in lots, a cart, an order that reserves first-expiry-first-out,
its email (no medicine named), dispatch through the ledger, and `vitalis pharmacy verify` after
every test and on a planted mismatch. Races over HTTP: 100 patients ordering one unit each against
a stock of 10 (exactly 10 orders), cancels racing new orders, and one idempotency key retried at
once (one order); twenty returns of one unit at once against a line of five (exactly five). Every
4xx names its field."""
import concurrent.futures
import datetime
import subprocess
import urllib.parse

from test_care import field_of
from test_care_tests import many_patients
from test_identity import BIN, FAST_HASH, Api, smtp, wait_until  # noqa: F401 (smtp: fixture)
from test_identity import api  # noqa: F401 (fixture: both dialects)

TABLE = (
    "Medicine Name,Composition,Uses,Side_effects,Manufacturer,Excellent Review %,"
    "Average Review %,Poor Review %\r\n"
    "Crocin Advance Tablet,Paracetamol (500mg),Pain reliefTreatment of Fever,Nausea Rash,GSK,"
    "40,40,20\r\n"
    "Dolo 650 Tablet,Paracetamol (650mg),Treatment of Fever,Nausea,Micro Labs,50,30,20\r\n"
    "Suminat 50 Tablet,Sumatriptan (50mg),Treatment of Migraine,Dizziness,Sun Pharma,40,40,20\r\n"
    "Mox 500 Capsule,Amoxycillin (500mg),Treatment of Bacterial infections,Diarrhea,Ranbaxy,"
    "30,30,40\r\n"
    "Atarax 25mg Tablet,Hydroxyzine (25mg),Treatment of AnxietyTreatment of Skin conditions with "
    "inflammation &amp; itching,Sleepiness,Dr Reddy's Laboratories Ltd,40,40,20\r\n"
    "Dolo 650 Tablet,Paracetamol (650mg),Treatment of Fever,Nausea,Micro Labs,50,30,20\r\n")


def later(days):
    return (datetime.date.today() + datetime.timedelta(days=days)).isoformat()


def vitalis(api, *args):
    return subprocess.run([BIN, *args, f"--database={api.server.database.url}"],
                          capture_output=True, text=True, timeout=300, cwd=api.tmp_path)


def import_table(api):
    folder = api.tmp_path / "datasets" / "medicines" / "medicine_details_11k"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "Medicine_Details.csv").write_text(TABLE, encoding="utf-8")
    done = vitalis(api, "import", "medicines", f"--datasets={api.tmp_path / 'datasets'}")
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def verify(api):
    checked = vitalis(api, "pharmacy", "verify")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "matches its ledger" in checked.stdout


def search(api, token, query):
    status, _, page = api.call("GET", f"/api/v1/pharmacy/items?{query}", token)
    assert status == 200, page
    return page


def item_id(api, token, name):
    found = search(api, token, "q=" + urllib.parse.quote(name))["items"]
    return [i["id"] for i in found if i["name"] == name][0]


def stock(api, admin, name, batch="B-1", quantity=10, days=200):
    token = admin
    status, _, lot = api.call("POST", f"/api/v1/pharmacy/items/{item_id(api, token, name)}/lots",
                              admin, body={"batch": batch, "expires_on": later(days),
                                           "quantity": quantity, "supplier": "Wholesale Ltd",
                                           "cost_minor": 120})
    assert status == 201, lot
    return lot


def test_import_search_order_mail_and_dispatch(api):
    admin, _ = api.create_admin()
    first = import_table(api)
    assert "6 rows read, 5 added" in first and "1 duplicate" in first, first
    assert "0 added, 0 updated, 5 unchanged" in import_table(api)
    patient, patient_id = api.patient("ana@example.org")
    # Search: every product with the ingredient, a use, a prefix as typed, a typo said so.
    assert {i["name"] for i in search(api, patient, "q=paracetamol")["items"]} == {
        "Crocin Advance Tablet", "Dolo 650 Tablet"}
    assert [i["name"] for i in search(api, patient, "q=migraine")["items"]] == ["Suminat 50 Tablet"]
    assert [i["name"] for i in search(api, patient, "q=sumat")["items"]] == ["Suminat 50 Tablet"]
    typo = search(api, patient, "q=paracetmol")
    assert len(typo["items"]) == 2 and typo["corrected"] == ["paracetamol"], typo
    atarax = search(api, patient, "q=atarax")["items"][0]
    assert atarax["uses"] == ["Treatment of Anxiety",
                              "Treatment of Skin conditions with inflammation & itching"]
    mox = search(api, patient, "q=amoxicillin")["items"][0]
    assert mox["name"] == "Mox 500 Capsule" and mox["prescription_only"] is True
    for query, field in (("limit=0", "limit"), ("in_stock=maybe", "in_stock"),
                         ("offset=5000", "offset")):
        status, _, reply = api.call("GET", f"/api/v1/pharmacy/items?{query}", patient)
        assert status == 422 and field_of(reply) == field, (query, reply)

    # Stock: two lots, the sooner expiry sold first; a bad lot names its field.
    status, _, reply = api.call("POST", f"/api/v1/pharmacy/items/{mox['id']}/lots", admin,
                                body={"batch": "X", "expires_on": "2020-01-01", "quantity": 5})
    assert status == 422 and field_of(reply) == "expires_on", reply
    late = stock(api, admin, "Dolo 650 Tablet", "LATE", 5, days=400)
    soon = stock(api, admin, "Dolo 650 Tablet", "SOON", 3, days=100)
    dolo = item_id(api, patient, "Dolo 650 Tablet")
    status, _, reply = api.call("POST", f"/api/v1/pharmacy/items/{dolo}/lots", admin,
                                body={"batch": "SOON", "expires_on": later(90), "quantity": 1})
    assert status == 409 and field_of(reply) == "batch", reply
    # Cart and order.
    status, _, reply = api.call("PUT", f"/api/v1/pharmacy/cart/items/{dolo}", patient,
                                body={"quantity": 9})
    assert status == 409 and field_of(reply) == "quantity", reply
    status, _, cart = api.call("PUT", f"/api/v1/pharmacy/cart/items/{dolo}", patient,
                               body={"quantity": 4})
    assert status == 200 and cart["lines"][0]["quantity"] == 4, cart
    status, _, reply = api.call("POST", "/api/v1/pharmacy/orders", patient,
                                body={"fulfilment": "delivery"})
    assert status == 422 and field_of(reply) == "address", reply
    status, _, order = api.call("POST", "/api/v1/pharmacy/orders", patient,
                                body={"fulfilment": "delivery", "address": "1 High St, London"})
    assert status == 201 and order["status"] == "placed", order
    assert order["total_minor"] == 4 * cart["lines"][0]["item"]["price_minor"]
    assert order["payment"] == "cash_on_delivery"
    status, _, lots = api.call("GET", f"/api/v1/pharmacy/items/{dolo}/lots", admin)
    reserved = {lot["batch"]: lot["reserved"] for lot in lots["items"]}
    assert reserved == {"SOON": 3, "LATE": 1}, lots
    assert wait_until(lambda: any("order is placed" in m["Subject"]
                                  for m in api.smtp.to("ana@example.org")))
    mail = [m for m in api.smtp.to("ana@example.org") if "order" in m["Subject"]][0]
    assert f"#{order['id']}" in mail.as_string() and "Dolo" not in mail.as_string()
    # Other patients see nothing of it; the patient's list is a record read.
    other, _ = api.patient("carla@example.org", name="Carla Dias")
    status, _, reply = api.call("GET", f"/api/v1/pharmacy/orders/{order['id']}", other)
    assert status == 404 and field_of(reply) == "order_id", reply
    status, _, mine = api.call("GET", f"/api/v1/patients/{patient_id}/orders", patient)
    assert status == 200 and [o["id"] for o in mine["items"]] == [order["id"]]
    # The queue, a wrong move, dispatch (the units leave), delivered.
    status, _, queue = api.call("GET", "/api/v1/pharmacy/orders?status=placed", admin)
    assert status == 200 and [o["id"] for o in queue["items"]] == [order["id"]]
    status, _, reply = api.call("POST", f"/api/v1/pharmacy/orders/{order['id']}/status", admin,
                                body={"status": "ready"})
    assert status == 409 and field_of(reply) == "status", reply
    status, _, sent = api.call("POST", f"/api/v1/pharmacy/orders/{order['id']}/status", admin,
                               body={"status": "dispatched"})
    assert status == 200 and sent["status"] == "dispatched", sent
    status, _, lots = api.call("GET", f"/api/v1/pharmacy/items/{dolo}/lots", admin)
    on_hand = {lot["batch"]: (lot["on_hand"], lot["reserved"]) for lot in lots["items"]}
    assert on_hand == {"SOON": (0, 0), "LATE": (4, 0)}, lots
    status, _, ledger = api.call("GET", f"/api/v1/pharmacy/items/{dolo}/ledger", admin)
    kinds = [row["kind"] for row in ledger["items"]]
    assert kinds.count("dispensed") == 2 and kinds.count("reserved") == 2, kinds
    assert kinds.count("received") == 2
    assert wait_until(lambda: any("on its way" in m["Subject"]
                                  for m in api.smtp.to("ana@example.org")))
    status, _, reply = api.call("POST", f"/api/v1/pharmacy/orders/{order['id']}/cancel",
                                patient, body={"reason": "too late"})
    assert status == 409 and field_of(reply) == "order_id", reply
    # An adjustment needs a reason; alerts show the lot that is low.
    status, _, reply = api.call("POST", f"/api/v1/pharmacy/lots/{late['id']}/adjustments", admin,
                                body={"change": -1})
    assert status == 422 and field_of(reply) == "reason", reply
    status, _, adjusted = api.call("POST", f"/api/v1/pharmacy/lots/{late['id']}/adjustments",
                                   admin, body={"change": -1, "reason": "one bottle broken"})
    assert status == 200 and adjusted["on_hand"] == 3, adjusted
    status, _, low = api.call("GET", "/api/v1/pharmacy/alerts/low-stock?threshold=5", admin)
    assert status == 200 and [i["name"] for i in low["items"]] == ["Dolo 650 Tablet"], low
    status, _, expiring = api.call("GET", "/api/v1/pharmacy/alerts/expiring?days=120", admin)
    assert status == 200 and expiring["items"] == [], expiring  # the sooner lot is empty now
    assert soon["batch"] == "SOON"
    # Patients cannot stock, admins have no cart.
    status, _, _ = api.call("POST", f"/api/v1/pharmacy/lots/{late['id']}/adjustments", patient,
                            body={"change": 1, "reason": "x"})
    assert status == 403
    status, _, _ = api.call("GET", "/api/v1/pharmacy/cart", admin)
    assert status == 403
    verify(api)


def test_prescription_only_items_wait_for_an_approval(api):
    admin, _ = api.create_admin()
    import_table(api)
    stock(api, admin, "Mox 500 Capsule", quantity=5)
    patient, _ = api.patient("ana@example.org")
    mox = item_id(api, patient, "Mox 500 Capsule")
    api.call("PUT", f"/api/v1/pharmacy/cart/items/{mox}", patient, body={"quantity": 1})
    status, _, order = api.call("POST", "/api/v1/pharmacy/orders", patient, body={})
    assert status == 201 and order["status"] == "awaiting_approval", order
    assert order["lines"][0]["prescription"] == "needed"
    status, _, reply = api.call("POST", f"/api/v1/pharmacy/orders/{order['id']}/status", admin,
                                body={"status": "ready"})
    assert status == 409 and "prescription" in reply["error"]["message"], reply
    status, _, approved = api.call("POST", f"/api/v1/pharmacy/orders/{order['id']}/approve", admin)
    assert status == 200 and approved["status"] == "placed", approved
    assert approved["lines"][0]["prescription"] == "approval"
    status, _, ready = api.call("POST", f"/api/v1/pharmacy/orders/{order['id']}/status", admin,
                                body={"status": "ready"})
    assert status == 200 and ready["status"] == "ready"
    status, _, done = api.call("POST", f"/api/v1/pharmacy/orders/{order['id']}/status", admin,
                               body={"status": "delivered"})
    assert status == 200 and done["status"] == "delivered"
    verify(api)


def test_races_over_http(start_server, database, smtp, tmp_path):
    server = start_server(database, f"--smtp-url=smtp://127.0.0.1:{smtp.port}", *FAST_HASH,
                          "--trusted-proxies=127.0.0.1")
    api = Api(server, smtp, tmp_path)
    admin, _ = api.create_admin()
    import_table(api)
    stock(api, admin, "Crocin Advance Tablet", quantity=10)
    patients = many_patients(api, 100)
    crocin = item_id(api, patients[0], "Crocin Advance Tablet")
    for token in patients:
        status, _, reply = api.call("PUT", f"/api/v1/pharmacy/cart/items/{crocin}", token,
                                    body={"quantity": 1})
        assert status == 200, reply

    def order(token):
        status, _, reply = api.call("POST", "/api/v1/pharmacy/orders", token, body={})
        return status, reply
    # 100 orders of one unit at once against 10: exactly 10 placed, 90 told what is short.
    with concurrent.futures.ThreadPoolExecutor(max_workers=100) as pool:
        results = list(pool.map(order, patients))
    statuses = [status for status, _ in results]
    assert statuses.count(201) == 10 and statuses.count(409) == 90, statuses
    for status, reply in results:
        if status == 409:
            assert field_of(reply) == "items"
            assert reply["error"]["shortages"][0]["available"] == 0, reply
    status, _, item = api.call("GET", f"/api/v1/pharmacy/items/{crocin}", patients[0])
    assert item["available"] == 0
    verify(api)

    # Five winners cancel while ten losers order again, all at once: exactly five new orders.
    winners = [(token, reply) for token, (status, reply) in zip(patients, results)
               if status == 201]
    losers = [token for token, (status, _) in zip(patients, results) if status == 409][:10]

    def cancel(pair):
        token, placed = pair
        status, _, reply = api.call("POST", f"/api/v1/pharmacy/orders/{placed['id']}/cancel",
                                    token, body={"reason": "changed my mind"})
        return ("cancel", status, reply)

    def retry(token):
        status, reply = order(token)
        return ("order", status, reply)
    with concurrent.futures.ThreadPoolExecutor(max_workers=15) as pool:
        jobs = [pool.submit(cancel, pair) for pair in winners[:5]]
        jobs += [pool.submit(retry, token) for token in losers]
        outcomes = [job.result() for job in jobs]
    assert all(status == 200 for kind, status, _ in outcomes if kind == "cancel"), outcomes
    reorders = [status for kind, status, _ in outcomes if kind == "order"]
    assert set(reorders) <= {201, 409}, outcomes
    # Whatever the interleaving, no more than the five returned units were sold again; once the
    # cancels are in, the rest of the losers get the rest.
    placed_again = reorders.count(201)
    assert placed_again <= 5, outcomes
    still_short = [token for token, status in zip(losers, reorders) if status == 409]
    for token in still_short[:5 - placed_again]:
        assert order(token)[0] == 201
    status, _, item = api.call("GET", f"/api/v1/pharmacy/items/{crocin}", patients[0])
    assert item["available"] == 0
    verify(api)

    # One key sent five times at once: one order, the same answer to all.
    buyer = patients[-1]
    stock(api, admin, "Dolo 650 Tablet", batch="K", quantity=10)
    dolo = item_id(api, buyer, "Dolo 650 Tablet")
    api.call("DELETE", "/api/v1/pharmacy/cart", buyer)
    api.call("PUT", f"/api/v1/pharmacy/cart/items/{dolo}", buyer, body={"quantity": 2})

    def keyed(_):
        return api.call("POST", "/api/v1/pharmacy/orders", buyer, body={},
                        headers={"Idempotency-Key": "order-once"})
    with concurrent.futures.ThreadPoolExecutor(max_workers=5) as pool:
        answers = list(pool.map(keyed, range(5)))
    assert {status for status, _, _ in answers} == {201}, answers
    assert len({reply["id"] for _, _, reply in answers}) == 1
    status, _, item = api.call("GET", f"/api/v1/pharmacy/items/{dolo}", buyer)
    assert item["available"] == 8
    # The key with another order: refused, naming the header.
    api.call("PUT", f"/api/v1/pharmacy/cart/items/{dolo}", buyer, body={"quantity": 1})
    status, _, reply = api.call("POST", "/api/v1/pharmacy/orders", buyer,
                                body={"fulfilment": "delivery", "address": "2 Low St"},
                                headers={"Idempotency-Key": "order-once"})
    assert status == 422 and field_of(reply) == "Idempotency-Key", reply
    verify(api)


def test_returns_are_counted_restocked_and_raced(api):
    admin, _ = api.create_admin()
    import_table(api)
    stock(api, admin, "Dolo 650 Tablet", quantity=6, days=300)
    patient, _ = api.patient("ana@example.org")
    dolo = item_id(api, patient, "Dolo 650 Tablet")
    status, _, order = api.call("POST", "/api/v1/pharmacy/orders", patient,
                                body={"items": [{"item_id": dolo, "quantity": 5}]})
    assert status == 201, order
    returns = f"/api/v1/pharmacy/orders/{order['id']}/returns"
    one = {"item_id": dolo, "quantity": 1, "restock": True, "reason": "sealed, not wanted"}
    # Not left the pharmacy yet: cancel instead.
    status, _, reply = api.call("POST", returns, admin, body=one)
    assert status == 409 and field_of(reply) == "order_id", reply
    api.call("POST", f"/api/v1/pharmacy/orders/{order['id']}/status", admin,
             body={"status": "ready"})
    status, _, _ = api.call("POST", f"/api/v1/pharmacy/orders/{order['id']}/status", admin,
                            body={"status": "delivered"})
    assert status == 200
    # Only the pharmacy records returns; every bad field is named.
    status, _, _ = api.call("POST", returns, patient, body=one)
    assert status == 403
    for change, field in (({"reason": ""}, "reason"), ({"item_id": None}, "item_id"),
                          ({"quantity": 0}, "quantity"), ({"restock": "yes"}, "restock"),
                          ({"item_id": dolo + 1000}, "item_id")):
        status, _, reply = api.call("POST", returns, admin, body={**one, **change})
        assert status == 422 and field_of(reply) == field, (change, reply)
    status, _, reply = api.call("POST", "/api/v1/pharmacy/orders/999999/returns", admin, body=one)
    assert status == 404 and field_of(reply) == "order_id", reply

    # Twenty returns of one unit at once against a line of five: exactly five, each restocked.
    def give_back(_):
        return api.call("POST", returns, admin, body=one)
    with concurrent.futures.ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(give_back, range(20)))
    statuses = [status for status, _, _ in answers]
    assert statuses.count(200) == 5 and statuses.count(409) == 15, statuses
    for status, _, reply in answers:
        if status == 200:
            assert reply["restocked"] == 1 and reply["refund_minor"] > 0, reply
        else:
            assert field_of(reply) == "quantity", reply
    status, _, item = api.call("GET", f"/api/v1/pharmacy/items/{dolo}", patient)
    assert item["available"] == 6, item
    status, _, seen = api.call("GET", f"/api/v1/pharmacy/orders/{order['id']}", patient)
    assert seen["lines"][0]["returned"] == 5, seen
    status, _, ledger = api.call("GET", f"/api/v1/pharmacy/items/{dolo}/ledger", admin)
    assert [row["kind"] for row in ledger["items"]].count("returned") == 5, ledger
    verify(api)


def test_verify_fails_on_a_planted_mismatch(api):
    admin, _ = api.create_admin()
    import_table(api)
    lot = stock(api, admin, "Dolo 650 Tablet", quantity=4)
    verify(api)
    edit = f"UPDATE pharmacy_lots SET on_hand = on_hand + 1 WHERE id = {lot['id']}"
    if api.server.database.dialect == "sqlite":
        subprocess.run(["sqlite3", api.server.database.url.split(":", 1)[1], edit], check=True)
    else:
        subprocess.run(["psql", api.server.database.url, "-qc", edit], check=True)
    broken = vitalis(api, "pharmacy", "verify")
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert f"lot {lot['id']}" in broken.stdout and "does NOT match" in broken.stdout
