// The record access rules as tables: role × relation to the patient × action → decision. First
// the pure rules (decide_record_access) over every combination of facts, then the same questions
// asked of the service (IdentityService::access_decision) with each relation made through the
// service itself — care links, write grants, break-glass, revocations — on SQLite and
// PostgreSQL. The black-box matrix over every route is tests/api (the authorization matrix).
#include <gtest/gtest.h>

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "db/testing.hpp"
#include "http/router.hpp"
#include "identity/policy.hpp"
#include "identity/service.hpp"
#include "identity/testing.hpp"

namespace vitalis::identity {
namespace {

// What a decision allows, per action.
struct Allowed {
  bool read = false;
  bool write = false;
};
constexpr Allowed kNothing{false, false}, kRead{true, false}, kReadWrite{true, true};

Allowed allowed(RecordAccess access) {
  return {access != RecordAccess::kNone, access == RecordAccess::kReadWrite};
}

// --- the pure rules -------------------------------------------------------------------------

enum class Who { kPatientSelf, kOtherPatient, kDoctor, kAdmin };

const char* who_name(Who who) {
  switch (who) {
    case Who::kPatientSelf:
      return "the patient";
    case Who::kOtherPatient:
      return "another patient";
    case Who::kDoctor:
      return "a doctor";
    case Who::kAdmin:
      return "an admin";
  }
  return "?";
}

struct Relation {
  const char* name;
  AccessFacts facts;
};

// Every combination of the facts a decision rests on.
const std::vector<Relation>& relations() {
  static const std::vector<Relation> all = {
      {"none", {true, false, false, false}},
      {"care link", {true, true, false, false}},
      {"care link + write grant", {true, true, true, false}},
      {"write grant alone", {true, false, true, false}},
      {"break-glass", {true, false, false, true}},
      {"care link + break-glass", {true, true, false, true}},
      {"write grant + break-glass", {true, false, true, true}},
      {"care link + write grant + break-glass", {true, true, true, true}},
      {"not a patient (every fact)", {false, true, true, true}},
      {"not a patient (no fact)", {false, false, false, false}},
  };
  return all;
}

// The rules, stated once per role: the expected answer for each relation above, in order.
struct RoleRow {
  Who who;
  std::vector<Allowed> expected;
};

TEST(RecordAccessTable, EveryRoleAndRelationGetsTheDecisionTheRulesState) {
  const std::vector<RoleRow> table = {
      // A patient has their own record, whatever the facts say.
      {Who::kPatientSelf,
       {kReadWrite, kReadWrite, kReadWrite, kReadWrite, kReadWrite, kReadWrite, kReadWrite,
        kReadWrite, kReadWrite, kReadWrite}},
      // ...and never anyone else's.
      {Who::kOtherPatient,
       {kNothing, kNothing, kNothing, kNothing, kNothing, kNothing, kNothing, kNothing, kNothing,
        kNothing}},
      // A doctor reads through the care team or break-glass, and writes only as a care-team
      // doctor holding a write grant; a grant without the care link is worth nothing.
      {Who::kDoctor,
       {kNothing, kRead, kReadWrite, kNothing, kRead, kRead, kRead, kReadWrite, kNothing,
        kNothing}},
      // An admin reads only through break-glass, and never writes.
      {Who::kAdmin,
       {kNothing, kNothing, kNothing, kNothing, kRead, kRead, kRead, kRead, kNothing, kNothing}},
  };
  constexpr std::int64_t kPatientId = 40, kCallerId = 7;
  for (const RoleRow& row : table) {
    ASSERT_EQ(row.expected.size(), relations().size()) << who_name(row.who);
    Principal caller;
    caller.account_id = row.who == Who::kPatientSelf ? kPatientId : kCallerId;
    caller.role = row.who == Who::kDoctor  ? Role::kDoctor
                  : row.who == Who::kAdmin ? Role::kAdmin
                                           : Role::kPatient;
    for (std::size_t relation_idx = 0; relation_idx < relations().size(); ++relation_idx) {
      const Relation& relation = relations()[relation_idx];
      SCOPED_TRACE(std::string(who_name(row.who)) + ", " + relation.name);
      Allowed got = allowed(decide_record_access(caller, kPatientId, relation.facts));
      EXPECT_EQ(got.read, row.expected[relation_idx].read) << "read";
      EXPECT_EQ(got.write, row.expected[relation_idx].write) << "write";
    }
  }
}

// --- the service, with real relations --------------------------------------------------------

const Client kClient{"192.0.2.20"};
constexpr const char* kReason = "unconscious in the emergency department";

// Public: the table's steps (lambdas) use the helpers.
class RecordAccessServiceTest : public db::testing::MigratedTest {
 public:
  void SetUp() override {
    MigratedTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    init_crypto();
    IdentityOptions options;
    options.password_cost = PasswordCost{1, 8u * 1024 * 1024};
    service_ = std::make_unique<IdentityService>(*pool_, SecretKey::generate(), options);
  }

  Caller account(const std::string& role) {
    std::string email = role + std::to_string(++accounts_) + "@example.org";
    Caller caller;
    caller.account_id = testing::insert_account(*pool_, email, role);
    caller.role = *parse_role(role);
    caller.client = kClient;
    return caller;
  }

  void link(const Caller& patient, const Caller& doctor) {
    ASSERT_TRUE(service_->link_doctor(patient, doctor.account_id).ok());
  }
  std::int64_t grant(const Caller& patient, const Caller& doctor) {
    auto requested = service_->request_write_grant(doctor, patient.account_id);
    EXPECT_TRUE(requested.ok());
    if (!requested.ok()) return 0;
    auto approved = service_->approve_write_grant(patient, requested->id);
    EXPECT_TRUE(approved.ok());
    EXPECT_EQ(approved.ok() ? approved->status : "", "active");
    return requested->id;
  }
  void break_glass(const Caller& patient, const Caller& actor) {
    auto glass = service_->break_glass(actor, patient.account_id, kReason);
    ASSERT_TRUE(glass.ok()) << glass.error().message;
  }

  std::unique_ptr<IdentityService> service_;
  int accounts_ = 0;
};

// One row: how the caller came to stand where they do with a fresh patient, and the decision.
struct ServiceRow {
  const char* relation;
  const char* role;  // of the caller: doctor | admin
  std::function<void(RecordAccessServiceTest&, const Caller& patient, const Caller& caller)> make;
  Allowed expected;
  bool emergency = false;  // the access rests on break-glass: its reason goes with reads
};

TEST_P(RecordAccessServiceTest, EachRelationMadeThroughTheServiceGivesTheRulesDecision) {
  using Test = RecordAccessServiceTest;
  const std::vector<ServiceRow> table = {
      {"none", "doctor", [](Test&, const Caller&, const Caller&) {}, kNothing},
      {"care link", "doctor", [](Test& t, const Caller& p, const Caller& c) { t.link(p, c); },
       kRead},
      {"care link + write grant", "doctor",
       [](Test& t, const Caller& p, const Caller& c) {
         t.link(p, c);
         t.grant(p, c);
       },
       kReadWrite},
      {"write grant alone", "doctor",
       [](Test& t, const Caller& p, const Caller& c) { t.grant(p, c); }, kNothing},
      {"write grant revoked", "doctor",
       [](Test& t, const Caller& p, const Caller& c) {
         t.link(p, c);
         ASSERT_TRUE(t.service_->revoke_write_grant(p, t.grant(p, c)).ok());
       },
       kRead},
      {"removed from the care team (grant ends too)", "doctor",
       [](Test& t, const Caller& p, const Caller& c) {
         t.link(p, c);
         t.grant(p, c);
         ASSERT_TRUE(t.service_->unlink_doctor(p, c.account_id).ok());
       },
       kNothing},
      {"break-glass", "doctor",
       [](Test& t, const Caller& p, const Caller& c) { t.break_glass(p, c); }, kRead, true},
      {"break-glass, then joined the care team", "doctor",
       [](Test& t, const Caller& p, const Caller& c) {
         t.break_glass(p, c);
         t.link(p, c);
       },
       kRead},
      {"none", "admin", [](Test&, const Caller&, const Caller&) {}, kNothing},
      {"break-glass", "admin",
       [](Test& t, const Caller& p, const Caller& c) { t.break_glass(p, c); }, kRead, true},
  };
  for (const ServiceRow& row : table) {
    SCOPED_TRACE(std::string(row.role) + ", " + row.relation);
    Caller patient = account("patient"), caller = account(row.role);
    row.make(*this, patient, caller);
    if (HasFatalFailure()) return;
    auto decision = service_->access_decision(caller, patient.account_id);
    ASSERT_TRUE(decision.ok()) << decision.error().message;
    Allowed got = allowed(decision->access);
    EXPECT_EQ(got.read, row.expected.read) << "read";
    EXPECT_EQ(got.write, row.expected.write) << "write";
    EXPECT_EQ(decision->emergency_reason.has_value(), row.emergency);
    if (row.emergency && decision->emergency_reason) {
      EXPECT_EQ(*decision->emergency_reason, kReason);
    }
    auto access = service_->record_access(caller, patient.account_id);
    ASSERT_TRUE(access.ok());
    EXPECT_EQ(*access, decision->access);
  }
}

TEST_P(RecordAccessServiceTest, PatientsNeedNoLookupAndOnlyPatientsHaveRecords) {
  Caller patient = account("patient"), other = account("patient"), doctor = account("doctor");
  auto own = service_->access_decision(patient, patient.account_id);
  ASSERT_TRUE(own.ok());
  EXPECT_EQ(own->access, RecordAccess::kReadWrite);
  auto theirs = service_->access_decision(patient, other.account_id);
  ASSERT_TRUE(theirs.ok());
  EXPECT_EQ(theirs->access, RecordAccess::kNone);
  // A doctor's or a missing account is nobody's record: not found, not forbidden.
  for (std::int64_t id : {doctor.account_id, std::int64_t{999999}}) {
    auto missing = service_->access_decision(account("doctor"), id);
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  }
}

TEST_P(RecordAccessServiceTest, ReadsThroughBreakGlassAreAuditedWithTheReason) {
  Caller patient = account("patient"), admin = account("admin");
  break_glass(patient, admin);
  ASSERT_TRUE(service_
                  ->audit_record(admin, audit::Row("record.read")
                                            .client(kClient)
                                            .patient(patient.account_id)
                                            .resource("observations", patient.account_id))
                  .ok());
  AuditFilter filter;
  filter.action = "record.read";
  auto rows = service_->search_audit(filter);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  const AuditEntry& row = rows->front();
  EXPECT_EQ(row.actor_id, admin.account_id);
  EXPECT_EQ(row.actor_role, "admin");
  EXPECT_EQ(row.patient_id, patient.account_id);
  EXPECT_EQ(row.resource_id, std::to_string(patient.account_id));
  EXPECT_EQ(row.client_address, "192.0.2.20");
  EXPECT_EQ(row.outcome, "success");
  EXPECT_EQ(row.reason, std::string("break-glass: ") + kReason);
  // The patient sees it in their access log.
  auto log = service_->access_log(patient.account_id, 0, 50);
  ASSERT_TRUE(log.ok());
  bool listed = false;
  for (const auto& entry : *log) listed = listed || entry.action == "record.read";
  EXPECT_TRUE(listed);
}

TEST_P(RecordAccessServiceTest, RecordRulesRequireADeclaredReadAuditAndTheRouteTableShowsIt) {
  IdentityService& service = *service_;
  http::RouteOptions plain = guarded(Rule::kRecordRead, service);
  EXPECT_TRUE(plain.read_audit_required);
  EXPECT_TRUE(plain.read_audit.empty());
  http::RouteOptions audited = guarded(Rule::kRecordRead, service).audited("observations");
  EXPECT_EQ(audited.read_audit, "record.read observations");
  http::RouteOptions opted =
      guarded(Rule::kRecordOwner, service).not_audited(NotAudited::kOwnAccessLog);
  EXPECT_EQ(opted.read_audit,
            "not audited: " + std::string(not_audited_reason(NotAudited::kOwnAccessLog)));
  // Issue 16: the staff rules too (their lists, searches and the audit log may hold patients'
  // data); only the rules that never reach others' data are exempt.
  for (Rule staff : {Rule::kDoctor, Rule::kStaff, Rule::kAdmin}) {
    EXPECT_TRUE(http::RouteOptions(guarded(staff, service)).read_audit_required);
  }
  EXPECT_FALSE(http::RouteOptions(guarded(Rule::kSignedIn, service)).read_audit_required);
  EXPECT_FALSE(http::RouteOptions(guarded(Rule::kPatient, service)).read_audit_required);
  EXPECT_FALSE(http::RouteOptions(guarded(Rule::kPublic, service)).read_audit_required);
  http::Router router;
  auto handler = [](http::Request&) { return http::Response::json(200, {}); };
  EXPECT_THROW(
      router.add(http::Method::kGet, "/admin/list", handler, guarded(Rule::kAdmin, service)),
      std::invalid_argument);
  EXPECT_NO_THROW(
      router.add(http::Method::kPost, "/admin/list", handler, guarded(Rule::kAdmin, service)));
  EXPECT_NO_THROW(router.add(http::Method::kGet, "/admin/routes", handler,
                             guarded(Rule::kAdmin, service).not_audited(NotAudited::kRouteTable)));
}

INSTANTIATE_TEST_SUITE_P(Dialects, RecordAccessServiceTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgresql),
                         db::testing::dialect_name);

}  // namespace
}  // namespace vitalis::identity
