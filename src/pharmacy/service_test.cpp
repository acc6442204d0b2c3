// Pharmacy service and store on both dialects: the import (cleaning, duplicates, idempotency),
// search (ingredient, use, prefix, typo, synonym), lots and their ledger (FEFO, expiry, never
// below what orders hold), orders (shortages leave nothing reserved, cancel returns stock,
// dispatch dispenses, idempotency, prescription rules), races over one lot, and `verify`.
#include "pharmacy/service.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "core/csv.hpp"
#include "db/migrate.hpp"
#include "db/rows.hpp"
#include "db/testing.hpp"
#include "identity/crypto.hpp"
#include "identity/testing.hpp"
#include "notify/testing.hpp"
#include "pharmacy/store.hpp"
#include "pharmacy/store_stock.hpp"

namespace vitalis::pharmacy {
namespace {

using identity::Caller;
using identity::Role;

constexpr std::int64_t kToday = 1812326400;  // 2027-06-07T00:00:00Z

std::filesystem::path datasets_dir() {
  if (const char* env = std::getenv("VITALIS_DATASETS"); env != nullptr && *env != '\0') {
    return env;
  }
  return VITALIS_DEFAULT_DATASETS;
}

// A small table in the dataset's shape: an entity, uses run together, a duplicate row, a
// duplicate name with a vaguer composition, a prescription-only antibiotic.
constexpr std::string_view kTable =
    "Medicine Name,Composition,Uses,Side_effects,Manufacturer,Excellent Review %,Average Review "
    "%,Poor Review %\r\n"
    "Crocin Advance Tablet,Paracetamol (500mg),Pain reliefTreatment of Fever,Nausea Rash,GSK,40,"
    "40,20\r\n"
    "Dolo 650 Tablet,Paracetamol (650mg),Treatment of Fever,Nausea,Micro Labs,50,30,20\r\n"
    "Sumo Tablet,Nimesulide (100mg) + Paracetamol (325mg),Pain relief,Nausea Stomach pain,Alkem,"
    "30,40,30\r\n"
    "Suminat 50 Tablet,Sumatriptan (50mg),Treatment of Migraine,Dizziness Tingling,Sun Pharma,"
    "40,40,20\r\n"
    "Mox 500 Capsule,Amoxycillin (500mg),Treatment of Bacterial infections,Diarrhea,Ranbaxy,30,"
    "30,40\r\n"
    "Atarax 25mg Tablet,Hydroxyzine (25mg),Treatment of AnxietyTreatment of Skin conditions with "
    "inflammation &amp; itching,Sleepiness,Dr Reddy's Laboratories Ltd,40,40,20\r\n"
    "Dolo 650 Tablet,Paracetamol (650mg),Treatment of Fever,Nausea,Micro Labs,50,30,20\r\n"
    "Scabiped Lotion,Lindane (NA),Scabies,Burning,Parker Robinson,10,50,40\r\n"
    "Scabiped Lotion,Lindane (2% w/v),Scabies,Burning,Parker Robinson,10,50,40\r\n";

class PharmacyTest : public db::testing::DialectTest {
 protected:
  void SetUp() override {
    DialectTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    identity::init_crypto();
    pool_ = database_->open(8);
    ASSERT_TRUE(pool_);
    ASSERT_TRUE(db::migrate(*pool_).ok());
    identity_ = std::make_unique<identity::IdentityService>(*pool_, identity::SecretKey::generate(),
                                                            identity::IdentityOptions{});
    auto knowledge = std::make_shared<medicines::Knowledge>(medicines::Knowledge::built_in());
    clinical_ = std::make_unique<records::ClinicalService>(*pool_, *identity_,
                                                           std::vector<std::string>{}, knowledge);
    service_ = std::make_unique<PharmacyService>(*pool_, *identity_, *clinical_, knowledge);
    service_->set_clock([this] { return now_.load(); });
    admin_ = caller("admin@example.org", "admin", Role::kAdmin);
    doctor_ = caller("dora@example.org", "doctor", Role::kDoctor);
    patient_ = caller("pat@example.org", "patient", Role::kPatient);
    other_ = caller("sam@example.org", "patient", Role::kPatient);
  }

  Caller caller(const std::string& email, const std::string& role, Role r) {
    auto id = identity::testing::insert_account(*pool_, email, role, "Test Person");
    return Caller{{id, r, "s"}, identity::Client{"127.0.0.1"}};
  }

  PharmacyService::ImportReport import(std::string_view csv) {
    PharmacyService::ImportReport report;
    auto items = PharmacyService::read_dataset(csv, report);
    EXPECT_TRUE(items.ok());
    auto done = service_->import_items(*items, report, nullptr, 3);
    EXPECT_TRUE(done.ok()) << done.error().message;
    return done.ok() ? *done : report;
  }

  std::int64_t id_of(const std::string& name) {
    ItemQuery query;
    query.text = name;
    auto page = service_->search(query);
    EXPECT_TRUE(page.ok());
    for (const auto& item : page->items) {
      if (item.name == name) return item.id;
    }
    ADD_FAILURE() << name << " not found";
    return 0;
  }

  std::vector<std::string> names(const std::string& text) {
    ItemQuery query;
    query.text = text;
    auto page = service_->search(query);
    EXPECT_TRUE(page.ok()) << page.error().message;
    std::vector<std::string> out;
    for (const auto& item : page->items) out.push_back(item.name);
    return out;
  }

  Lot receive(std::int64_t item, const std::string& batch, const std::string& expires,
              int quantity) {
    auto lot = service_->receive(admin_, item, {batch, expires, "Supplier Ltd", quantity, 100});
    EXPECT_TRUE(lot.ok()) << lot.error().message;
    return lot.ok() ? *lot : Lot{};
  }

  Result<Placed> order_of(const Caller& who, std::int64_t item, int quantity,
                          const std::string& key = "", std::vector<Shortage>* shortages = nullptr) {
    auto cart = service_->set_cart_line(who, item, quantity);
    if (!cart.ok()) return cart.error();
    OrderInput input;
    input.idempotency_key = key;
    return service_->place_order(who, input, shortages);
  }

  bool verified() {
    auto found = PharmacyService::verify(*pool_);
    EXPECT_TRUE(found.ok());
    if (!found->empty()) ADD_FAILURE() << found->front().what;
    return found->empty();
  }

  std::unique_ptr<db::Pool> pool_;
  std::unique_ptr<identity::IdentityService> identity_;
  std::unique_ptr<records::ClinicalService> clinical_;
  std::unique_ptr<PharmacyService> service_;
  std::atomic<std::int64_t> now_{kToday};
  Caller admin_, doctor_, patient_, other_;
};

TEST_P(PharmacyTest, ImportCleansDropsDuplicatesAndIsIdempotent) {
  auto first = import(kTable);
  EXPECT_EQ(first.read, 9u);
  EXPECT_EQ(first.duplicates, 2u);
  EXPECT_EQ(first.added, 7u);
  auto again = import(kTable);
  EXPECT_EQ(again.added, 0u);
  EXPECT_EQ(again.updated, 0u);
  EXPECT_EQ(again.unchanged, 7u);
  auto atarax = service_->item(patient_, id_of("Atarax 25mg Tablet"));
  ASSERT_TRUE(atarax.ok());
  EXPECT_EQ(atarax->uses,
            (std::vector<std::string>{"Treatment of Anxiety",
                                      "Treatment of Skin conditions with inflammation & itching"}));
  EXPECT_EQ(atarax->manufacturer, "Dr Reddy's Laboratories Ltd");
  EXPECT_EQ(atarax->available, 0);
  // The duplicate with a strength is kept; a changed row is updated, price kept.
  auto lotion = service_->item(patient_, id_of("Scabiped Lotion"));
  EXPECT_EQ(lotion->composition, "Lindane (2% w/v)");
  std::string changed(kTable);
  changed.replace(changed.find("Treatment of Migraine"), 21, "Treatment of Migraine attacks");
  auto price = service_->item(patient_, id_of("Suminat 50 Tablet"))->price_minor;
  auto third = import(changed);
  EXPECT_EQ(third.updated, 1u);
  auto suminat = service_->item(patient_, id_of("Suminat 50 Tablet"));
  EXPECT_EQ(suminat->uses.front(), "Treatment of Migraine attacks");
  EXPECT_EQ(suminat->price_minor, price);
  // The antibiotic needs a prescription (penicillins); paracetamol does not.
  EXPECT_TRUE(service_->item(patient_, id_of("Mox 500 Capsule"))->prescription_only);
  EXPECT_FALSE(service_->item(patient_, id_of("Dolo 650 Tablet"))->prescription_only);
}

TEST_P(PharmacyTest, SearchFindsIngredientsUsesPrefixesTyposAndSynonyms) {
  import(kTable);
  // Every product containing the ingredient, the one named by it... first by name weight.
  auto paracetamol = names("paracetamol");
  EXPECT_EQ(paracetamol.size(), 3u);
  EXPECT_EQ(names("migraine"), (std::vector<std::string>{"Suminat 50 Tablet"}));
  EXPECT_EQ(names("dol").front(), "Dolo 650 Tablet");  // a prefix as typed
  EXPECT_EQ(names("fever").size(), 2u);
  // The dataset's own spelling and the international one both find amoxicillin.
  EXPECT_EQ(names("amoxycillin"), (std::vector<std::string>{"Mox 500 Capsule"}));
  EXPECT_EQ(names("amoxicillin"), (std::vector<std::string>{"Mox 500 Capsule"}));
  // A synonym the knowledge knows.
  EXPECT_EQ(names("acetaminophen").size(), 3u);
  // A typo: corrected, and said so.
  ItemQuery typo;
  typo.text = "paracetmol";
  auto page = service_->search(typo);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->items.size(), 3u);
  EXPECT_EQ(page->corrected, (std::vector<std::string>{"paracetamol"}));
  EXPECT_EQ(names("sumatriptn").size(), 1u);
  EXPECT_TRUE(names("zzzzzz").empty());
  // Filters.
  ItemQuery rx;
  rx.prescription_only = true;
  auto only_rx = service_->search(rx);
  ASSERT_EQ(only_rx->items.size(), 1u);
  EXPECT_EQ(only_rx->items.front().name, "Mox 500 Capsule");
  ItemQuery stocked;
  stocked.text = "paracetamol";
  stocked.in_stock_only = true;
  EXPECT_TRUE(service_->search(stocked)->items.empty());
  receive(id_of("Dolo 650 Tablet"), "D-1", "2028-01-31", 5);
  ASSERT_EQ(service_->search(stocked)->items.size(), 1u);
  ItemQuery bad;
  bad.limit = 0;
  EXPECT_EQ(service_->search(bad).error().field, "limit");
}

TEST_P(PharmacyTest, OrdersReserveFirstExpiryFirstAndNeverFromExpiredLots) {
  import(kTable);
  std::int64_t dolo = id_of("Dolo 650 Tablet");
  auto later = receive(dolo, "LATE", "2028-06-30", 4);
  auto sooner = receive(dolo, "SOON", "2027-09-30", 3);
  auto expiring = receive(dolo, "TOMORROW", "2027-06-08", 10);
  // Tomorrow's lot expires at midnight: from then on it is not sold.
  now_ = kToday + 86400;
  EXPECT_EQ(service_->item(patient_, dolo)->available, 7);
  auto placed = order_of(patient_, dolo, 5);
  ASSERT_TRUE(placed.ok()) << placed.error().message;
  EXPECT_EQ(placed->order.status, "placed");
  EXPECT_EQ(placed->order.total_minor, 5 * service_->item(patient_, dolo)->price_minor);
  auto lots = service_->lots(dolo);
  for (const auto& lot : *lots) {
    int expected = lot.id == sooner.id ? 3 : lot.id == later.id ? 2 : 0;  // the sooner lot first
    EXPECT_EQ(lot.reserved, expected) << lot.batch;
  }
  EXPECT_EQ(service_->item(patient_, dolo)->available, 2);
  EXPECT_TRUE(service_->cart(patient_.account_id)->lines.empty());
  // Too many: 409 naming items, with what can be had; nothing reserved, the cart kept.
  std::vector<Shortage> short_of;
  auto refused = order_of(other_, dolo, 3, "", &short_of);
  // (The cart itself refuses more than can be had.)
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().field, "quantity");
  ASSERT_TRUE(service_->set_cart_line(other_, dolo, 2).ok());
  ASSERT_TRUE(order_of(patient_, dolo, 2).ok());  // someone else takes the last two
  auto late = service_->place_order(other_, OrderInput{}, &short_of);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, ErrorCode::kConflict);
  EXPECT_EQ(late.error().field, "items");
  ASSERT_EQ(short_of.size(), 1u);
  EXPECT_EQ(short_of.front().wanted, 2);
  EXPECT_EQ(short_of.front().available, 0);
  EXPECT_EQ(service_->cart(other_.account_id)->lines.size(), 1u);
  // Cancelling gives the units back through the ledger.
  auto cancelled = service_->cancel(patient_, placed->order.id, "changed my mind");
  ASSERT_TRUE(cancelled.ok()) << cancelled.error().message;
  EXPECT_EQ(service_->item(patient_, dolo)->available, 5);
  EXPECT_EQ(service_->cancel(patient_, placed->order.id, "again").error().code,
            ErrorCode::kConflict);
  EXPECT_TRUE(verified());
  // Expired stock is written off, not sold; an adjustment never goes below what orders hold.
  auto written = service_->write_off(admin_, expiring.id);
  ASSERT_TRUE(written.ok()) << written.error().message;
  EXPECT_EQ(written->on_hand, 0);
  auto below = service_->adjust(admin_, later.id, -4, "broken bottles");
  ASSERT_FALSE(below.ok());  // two of them are held by the second order
  EXPECT_EQ(below.error().field, "change");
  EXPECT_TRUE(service_->adjust(admin_, later.id, -1, "one bottle broken").ok());
  EXPECT_TRUE(verified());
  auto ledger = service_->ledger(dolo, 0, 50);
  ASSERT_TRUE(ledger.ok());
  EXPECT_EQ(ledger->front().kind, "adjusted");
  EXPECT_EQ(ledger->front().reason, "one bottle broken");
}

TEST_P(PharmacyTest, AnOrderMovesThroughItsStatesAndDispatchDispenses) {
  import(kTable);
  std::int64_t dolo = id_of("Dolo 650 Tablet");
  receive(dolo, "A", "2028-01-31", 10);
  auto mails_before = notify::testing::outbox_messages(*pool_).size();
  ASSERT_TRUE(service_->set_cart_line(patient_, dolo, 2).ok());
  OrderInput delivery;
  delivery.fulfilment = "delivery";
  EXPECT_EQ(service_->place_order(patient_, delivery).error().field, "address");
  delivery.address = "1 High Street, London";
  delivery.idempotency_key = "k-1";
  auto placed = service_->place_order(patient_, delivery);
  ASSERT_TRUE(placed.ok()) << placed.error().message;
  EXPECT_EQ(placed->order.payment, "cash_on_delivery");
  // The same key again: the same order, nothing more reserved.
  auto replayed = service_->place_order(patient_, delivery);
  ASSERT_TRUE(replayed.ok());
  EXPECT_TRUE(replayed->replayed);
  EXPECT_EQ(replayed->order.id, placed->order.id);
  EXPECT_EQ(service_->item(patient_, dolo)->available, 8);
  // A pickup order cannot be dispatched, nor this one made ready.
  EXPECT_EQ(service_->advance(admin_, placed->order.id, "ready").error().field, "status");
  auto sent = service_->advance(admin_, placed->order.id, "dispatched");
  ASSERT_TRUE(sent.ok()) << sent.error().message;
  auto lots = service_->lots(dolo);
  EXPECT_EQ(lots->front().on_hand, 8);
  EXPECT_EQ(lots->front().reserved, 0);
  EXPECT_EQ(service_->cancel(patient_, placed->order.id, "too late").error().code,
            ErrorCode::kConflict);
  ASSERT_TRUE(service_->advance(admin_, placed->order.id, "delivered").ok());
  EXPECT_TRUE(verified());
  // Two emails (placed, dispatched), neither naming the medicine.
  auto mails = notify::testing::outbox_messages(*pool_);
  mails.erase(mails.begin(), mails.begin() + static_cast<std::ptrdiff_t>(mails_before));
  ASSERT_EQ(mails.size(), 2u);
  for (const auto& mail : mails) {
    EXPECT_EQ(mail.text.find("Dolo"), std::string::npos) << mail.text;
    EXPECT_EQ(mail.subject.find("Dolo"), std::string::npos);
  }
  // "Buy now": the items given, the cart left alone; a repeated item is refused by index.
  ASSERT_TRUE(service_->set_cart_line(patient_, dolo, 1).ok());
  OrderInput now;
  now.items = {{dolo, 2}};
  auto bought = service_->place_order(patient_, now);
  ASSERT_TRUE(bought.ok()) << bought.error().message;
  EXPECT_EQ(bought->order.lines.front().quantity, 2);
  EXPECT_EQ(service_->cart(patient_.account_id)->lines.size(), 1u);
  now.items = {{dolo, 1}, {dolo, 1}};
  EXPECT_EQ(service_->place_order(patient_, now).error().field, "items[1].item_id");
  // The patient sees it; another patient does not.
  EXPECT_TRUE(service_->order(patient_, placed->order.id).ok());
  EXPECT_EQ(service_->order(other_, placed->order.id).error().code, ErrorCode::kNotFound);
}

TEST_P(PharmacyTest, PrescriptionOnlyItemsRestOnTheRecordOrAnApproval) {
  import(kTable);
  std::int64_t mox = id_of("Mox 500 Capsule");
  receive(mox, "M", "2028-01-31", 10);
  auto waiting = order_of(patient_, mox, 1);
  ASSERT_TRUE(waiting.ok()) << waiting.error().message;
  EXPECT_EQ(waiting->order.status, "awaiting_approval");
  EXPECT_EQ(waiting->order.lines.front().prescription, "needed");
  EXPECT_EQ(service_->advance(admin_, waiting->order.id, "ready").error().code,
            ErrorCode::kConflict);
  auto approved = service_->approve(admin_, waiting->order.id);
  ASSERT_TRUE(approved.ok()) << approved.error().message;
  EXPECT_EQ(approved->status, "placed");
  EXPECT_EQ(approved->lines.front().prescription, "approval");
  EXPECT_EQ(approved->lines.front().approved_by, admin_.account_id);
  // With an active prescription of amoxicillin in the record, the order goes straight through.
  identity::testing::insert_care_link(*pool_, other_.account_id, doctor_.account_id);
  identity::testing::insert_patient_profile(*pool_, other_.account_id, "1980-01-01", "female");
  records::PrescriptionInput prescription;
  prescription.medicine = "Amoxicillin";
  prescription.strength = "500 mg";
  prescription.dose = "1 capsule";
  prescription.frequency = "three times a day";
  auto written = clinical_->add_prescription(doctor_, other_.account_id, prescription);
  ASSERT_TRUE(written.ok()) << written.error().message;
  auto straight = order_of(other_, mox, 1);
  ASSERT_TRUE(straight.ok()) << straight.error().message;
  EXPECT_EQ(straight->order.status, "placed");
  EXPECT_EQ(straight->order.lines.front().prescription, "record");
  EXPECT_TRUE(straight->order.lines.front().prescription_id.has_value());
  EXPECT_TRUE(verified());
}

// A payment provider cannot run here: this stand-in refuses every payment, as a card gateway
// would decline one, to show what the service does then.
class RefusingPayments final : public PaymentMethods {
 public:
  std::vector<std::string> methods_for(const std::string&) const override { return {"card"}; }
  PaymentOutcome authorise(const PaymentRequest& request) override {
    last = request;
    return {false, "", "the card was declined"};
  }
  PaymentRequest last;
};

TEST_P(PharmacyTest, ARefusedPaymentCancelsTheOrderAndReturnsTheStock) {
  import(kTable);
  std::int64_t dolo = id_of("Dolo 650 Tablet");
  receive(dolo, "P", "2028-01-31", 5);
  auto payments = std::make_unique<RefusingPayments>();
  auto* seen = payments.get();
  service_->set_payments(std::move(payments));
  ASSERT_TRUE(service_->set_cart_line(patient_, dolo, 2).ok());
  OrderInput input;
  input.payment = "cash_on_delivery";  // not a method this provider offers
  EXPECT_EQ(service_->place_order(patient_, input).error().field, "payment");
  input.payment.clear();  // its default: card
  auto refused = service_->place_order(patient_, input);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().field, "payment");
  EXPECT_EQ(refused.error().message, "the card was declined");
  EXPECT_EQ(seen->last.method, "card");
  EXPECT_EQ(seen->last.amount_minor, 2 * service_->item(patient_, dolo)->price_minor);
  EXPECT_EQ(service_->item(patient_, dolo)->available, 5);
  auto orders = service_->patient_orders(patient_.account_id, 0, 10);
  ASSERT_EQ(orders->size(), 1u);
  EXPECT_EQ(orders->front().status, "cancelled");
  EXPECT_TRUE(verified());
}

TEST_P(PharmacyTest, ConcurrentOrdersNeverTakeMoreThanTheStock) {
  import(kTable);
  std::int64_t dolo = id_of("Dolo 650 Tablet");
  receive(dolo, "R", "2028-01-31", 5);
  std::vector<Caller> buyers;
  for (int i = 0; i < 12; ++i) {
    buyers.push_back(
        caller("buyer" + std::to_string(i) + "@example.org", "patient", Role::kPatient));
    ASSERT_TRUE(service_->set_cart_line(buyers.back(), dolo, 1).ok());
  }
  std::atomic<int> placed{0}, refused{0}, other{0};
  std::vector<std::thread> threads;
  for (const auto& buyer : buyers) {
    threads.emplace_back([&, buyer] {
      auto result = service_->place_order(buyer, OrderInput{});
      if (result.ok()) {
        ++placed;
      } else if (result.error().code == ErrorCode::kConflict) {
        ++refused;
      } else {
        ++other;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(placed.load(), 5);
  EXPECT_EQ(refused.load(), 7);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(service_->item(patient_, dolo)->available, 0);
  EXPECT_TRUE(verified());
}

TEST_P(PharmacyTest, ReturnsAreCountedAndRestockOnlyToLotsThatHaveNotExpired) {
  import(kTable);
  std::int64_t dolo = id_of("Dolo 650 Tablet");
  receive(dolo, "SOON", "2027-06-20", 2);
  auto later = receive(dolo, "LATE", "2028-06-30", 5);
  auto placed = order_of(patient_, dolo, 4);  // two from each lot, the sooner first
  ASSERT_TRUE(placed.ok()) << placed.error().message;
  ReturnInput back{dolo, 1, true, "delivered twice, still sealed"};
  // Nothing has left the pharmacy yet: cancelling is the way.
  EXPECT_EQ(service_->return_items(admin_, placed->order.id, back).error().field, "order_id");
  ASSERT_TRUE(service_->advance(admin_, placed->order.id, "ready").ok());
  ASSERT_TRUE(service_->advance(admin_, placed->order.id, "delivered").ok());
  EXPECT_EQ(
      service_->return_items(admin_, placed->order.id, {dolo + 1000, 1, false, "x"}).error().field,
      "item_id");
  EXPECT_EQ(service_->return_items(admin_, placed->order.id, {dolo, 1, false, ""}).error().field,
            "reason");
  // One unit back, opened: counted, not restocked.
  auto opened =
      service_->return_items(admin_, placed->order.id, {dolo, 1, false, "opened, not fit to sell"});
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  EXPECT_EQ(opened->restocked, 0);
  EXPECT_EQ(opened->refund_minor, placed->order.lines.front().unit_price_minor);
  EXPECT_EQ(opened->order.lines.front().returned, 1);
  EXPECT_EQ(service_->item(patient_, dolo)->available, 3);
  // The sooner lot has expired since: of three sealed units, the two from the later lot go back.
  now_ = kToday + 20 * 86400;
  auto sealed = service_->return_items(admin_, placed->order.id, {dolo, 3, true, "sealed"});
  ASSERT_TRUE(sealed.ok()) << sealed.error().message;
  EXPECT_EQ(sealed->restocked, 2);
  EXPECT_EQ(sealed->order.lines.front().returned, 4);
  auto lots = service_->lots(dolo);
  ASSERT_TRUE(lots.ok());
  for (const auto& lot : *lots) {
    EXPECT_EQ(lot.on_hand, lot.id == later.id ? 5 : 0) << lot.batch;
  }
  auto more = service_->return_items(admin_, placed->order.id, {dolo, 1, false, "again"});
  ASSERT_FALSE(more.ok());
  EXPECT_EQ(more.error().code, ErrorCode::kConflict);
  EXPECT_EQ(more.error().field, "quantity");
  auto ledger = service_->ledger(dolo, 0, 1);
  EXPECT_EQ(ledger->front().kind, "returned");
  EXPECT_EQ(ledger->front().on_hand_change, 2);
  EXPECT_EQ(ledger->front().order_id, placed->order.id);
  EXPECT_TRUE(verified());
}

TEST_P(PharmacyTest, ConcurrentReturnsNeverExceedWhatWasOrdered) {
  import(kTable);
  std::int64_t dolo = id_of("Dolo 650 Tablet");
  auto lot = receive(dolo, "R", "2028-01-31", 5);
  auto placed = order_of(patient_, dolo, 5);
  ASSERT_TRUE(placed.ok());
  ASSERT_TRUE(service_->advance(admin_, placed->order.id, "ready").ok());
  ASSERT_TRUE(service_->advance(admin_, placed->order.id, "delivered").ok());
  std::atomic<int> done{0}, refused{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 12; ++i) {
    threads.emplace_back([&] {
      auto result =
          service_->return_items(admin_, placed->order.id, {dolo, 1, true, "sealed, unwanted"});
      if (result.ok()) {
        ++done;
      } else if (result.error().code == ErrorCode::kConflict) {
        ++refused;
      } else {
        ++other;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(done.load(), 5);
  EXPECT_EQ(refused.load(), 7);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(service_->lots(dolo)->front().on_hand, lot.on_hand);
  EXPECT_TRUE(verified());
  // More put back than returned is a mismatch verify names.
  {
    auto lease = pool_->acquire();
    long long order = placed->order.id;
    **lease << "UPDATE pharmacy_order_lines SET returned = 4 WHERE order_id = :id",
        soci::use(order);
  }
  auto found = PharmacyService::verify(*pool_);
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->size(), 1u);
  EXPECT_NE(found->front().what.find("order " + std::to_string(placed->order.id)),
            std::string::npos)
      << found->front().what;
}

TEST_P(PharmacyTest, VerifyNamesAPlantedMismatch) {
  import(kTable);
  auto lot = receive(id_of("Dolo 650 Tablet"), "P", "2028-01-31", 5);
  EXPECT_TRUE(verified());
  {
    auto lease = pool_->acquire();
    long long id = lot.id;
    **lease << "UPDATE pharmacy_lots SET on_hand = on_hand + 1 WHERE id = :id", soci::use(id);
  }
  auto found = PharmacyService::verify(*pool_);
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->size(), 1u);
  EXPECT_NE(found->front().what.find("lot " + std::to_string(lot.id)), std::string::npos)
      << found->front().what;
}

TEST_P(PharmacyTest, TheRealDatasetImportsAndSearches) {
  auto csv = read_file(datasets_dir() / medicines::kMedicinesTable);
  ASSERT_TRUE(csv.ok()) << "the medicines dataset is needed: " << csv.error().message;
  PharmacyService::ImportReport report;
  auto items = PharmacyService::read_dataset(*csv, report);
  ASSERT_TRUE(items.ok());
  EXPECT_EQ(report.read, 11825u);
  EXPECT_GT(report.duplicates, 90u);
  auto done = service_->import_items(*items, report, nullptr);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->added + done->duplicates + done->skipped, 11825u);
  // "paracetamol" finds products containing it, every one of them.
  ItemQuery query;
  query.text = "paracetamol";
  query.limit = 50;
  auto page = service_->search(query);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 50u);
  for (const auto& item : page->items) {
    bool has = std::find(item.ingredients.begin(), item.ingredients.end(), "paracetamol") !=
               item.ingredients.end();
    EXPECT_TRUE(has) << item.name << ": " << item.composition;
  }
  // No entity is left in any text.
  auto lease = pool_->acquire();
  EXPECT_EQ(db::number(*lease,
                       "SELECT COUNT(*) FROM pharmacy_items WHERE uses LIKE '%&amp;%' OR "
                       "name LIKE '%&amp;%' OR side_effects LIKE '%&amp;%'",
                       [](soci::statement&) {}),
            0);
}

INSTANTIATE_TEST_SUITE_P(Dialects, PharmacyTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgresql),
                         db::testing::dialect_name);

}  // namespace
}  // namespace vitalis::pharmacy
