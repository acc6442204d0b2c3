// The record access rules (decide_record_access): who may read and change a patient's record;
// the read audit a route declares (ReadAudit) and what guarded() tells the router.
#include "identity/policy.hpp"

#include <gtest/gtest.h>

namespace vitalis::identity {
namespace {

Principal caller(Role role, std::int64_t id = 7) {
  Principal principal;
  principal.account_id = id;
  principal.role = role;
  return principal;
}

AccessFacts facts(bool link, bool grant, bool glass) {
  AccessFacts out;
  out.patient_exists = true;
  out.care_link = link;
  out.write_grant = grant;
  out.break_glass = glass;
  return out;
}

TEST(RecordAccessRulesTest, PatientsHaveTheirOwnRecordOnly) {
  EXPECT_EQ(decide_record_access(caller(Role::kPatient, 5), 5, {}), RecordAccess::kReadWrite);
  EXPECT_EQ(decide_record_access(caller(Role::kPatient, 5), 6, facts(true, true, true)),
            RecordAccess::kNone);
}

TEST(RecordAccessRulesTest, CareTeamDoctorsReadAndWriteWithAGrant) {
  auto doctor = caller(Role::kDoctor);
  EXPECT_EQ(decide_record_access(doctor, 1, facts(true, false, false)), RecordAccess::kRead);
  EXPECT_EQ(decide_record_access(doctor, 1, facts(true, true, false)), RecordAccess::kReadWrite);
  EXPECT_EQ(decide_record_access(doctor, 1, facts(false, false, false)), RecordAccess::kNone);
}

TEST(RecordAccessRulesTest, BreakGlassLetsAnUnlinkedDoctorReadButNeverWrite) {
  auto doctor = caller(Role::kDoctor);
  EXPECT_EQ(decide_record_access(doctor, 1, facts(false, false, true)), RecordAccess::kRead);
  // A grant without the care relationship does not make emergency access writable.
  EXPECT_EQ(decide_record_access(doctor, 1, facts(false, true, true)), RecordAccess::kRead);
  EXPECT_EQ(decide_record_access(doctor, 1, facts(false, true, false)), RecordAccess::kNone);
}

TEST(RecordAccessRulesTest, AdminsReadOnlyThroughBreakGlass) {
  auto admin = caller(Role::kAdmin);
  EXPECT_EQ(decide_record_access(admin, 1, facts(false, false, false)), RecordAccess::kNone);
  EXPECT_EQ(decide_record_access(admin, 1, facts(true, true, false)), RecordAccess::kNone);
  EXPECT_EQ(decide_record_access(admin, 1, facts(false, false, true)), RecordAccess::kRead);
}

TEST(RecordAccessRulesTest, NobodyReachesAnAccountThatIsNotAPatient) {
  AccessFacts missing = facts(true, true, true);
  missing.patient_exists = false;
  EXPECT_EQ(decide_record_access(caller(Role::kDoctor), 1, missing), RecordAccess::kNone);
  EXPECT_EQ(decide_record_access(caller(Role::kAdmin), 1, missing), RecordAccess::kNone);
}

// --- the caller a handler passes to the services ------------------------------------------

TEST(CallerTest, HoldsThePrincipalTheClientAndTheRequestId) {
  http::Request request;
  request.client_address = "192.0.2.7";
  request.request_id = "req-1";
  request.headers.push_back({"User-Agent", "test-agent"});
  Principal principal = caller(Role::kDoctor, 12);
  principal.session_id = "s-1";
  principal.emergency_patient_id = 40;
  principal.emergency_reason = "unconscious";
  request.auth = principal;
  Caller got = caller_of(request);
  EXPECT_EQ(got.account_id, 12);
  EXPECT_EQ(got.role, Role::kDoctor);
  EXPECT_EQ(got.session_id, "s-1");
  EXPECT_EQ(got.emergency_patient_id, 40);
  EXPECT_EQ(got.emergency_reason, "unconscious");
  EXPECT_EQ(got.client.address, "192.0.2.7");
  EXPECT_EQ(got.client.user_agent, "test-agent");
  EXPECT_EQ(got.request_id, "req-1");
  // An audit row by the caller: the actor and the address, nothing of the request id.
  AuditEntry row = audit::Row("record.read").by(got);
  EXPECT_EQ(row.actor_id, 12);
  EXPECT_EQ(row.actor_role, "doctor");
  EXPECT_EQ(row.client_address, "192.0.2.7");
}

TEST(CallerTest, OnAPublicRouteOnlyTheClientAndTheRequestId) {
  http::Request request;
  request.client_address = "192.0.2.8";
  request.request_id = "req-2";
  Caller got = caller_of(request);
  EXPECT_EQ(got.account_id, 0);
  EXPECT_TRUE(got.session_id.empty());
  EXPECT_EQ(got.client.address, "192.0.2.8");
  EXPECT_TRUE(got.client.user_agent.empty());
  EXPECT_EQ(got.request_id, "req-2");
}

// --- the read audit a route declares ---------------------------------------------------------

http::Request request_for(std::vector<std::pair<std::string_view, std::string>> params) {
  http::Request request;
  request.params = std::move(params);
  return request;
}

TEST(ReadAuditTest, ByDefaultOneRecordReadOfThePathPatient) {
  ReadAudit audit("observations");
  EXPECT_EQ(audit.describe(), "record.read observations");
  auto rows = audit.rows(request_for({{"patient_id", "42"}}));
  ASSERT_EQ(rows.size(), 1u);
  const AuditEntry& row = rows[0].entry();
  EXPECT_EQ(row.action, "record.read");
  EXPECT_EQ(row.resource_type, "observations");
  EXPECT_EQ(row.resource_id, "42");
  EXPECT_EQ(row.patient_id, 42);
  EXPECT_EQ(row.outcome, "success");
}

TEST(ReadAuditTest, TheResourceIdComesFromAParameterOrIsFixed) {
  auto request =
      request_for({{"patient_id", "42"}, {"observation_id", "0007"}, {"model", "heart"}});
  EXPECT_EQ(
      ReadAudit("observation").id_param("observation_id").rows(request)[0].entry().resource_id, "7")
      << "a whole-number parameter as the number it names";
  EXPECT_EQ(ReadAudit("prefill").text_id_param("model").rows(request)[0].entry().resource_id,
            "heart");
  auto fixed = ReadAudit("patient_profile").id("area_code").rows(request);
  EXPECT_EQ(fixed[0].entry().resource_id, "area_code");
  EXPECT_EQ(fixed[0].entry().patient_id, 42);
  auto exported = ReadAudit("record").action("record.export").rows(request);
  EXPECT_EQ(exported[0].entry().action, "record.export");
  EXPECT_EQ(exported[0].entry().resource_id, "42");
}

TEST(ReadAuditTest, ASearchIsInNobodysRecord) {
  auto rows = ReadAudit("patients").action("patient.search").id("").no_patient().rows({});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].entry().action, "patient.search");
  EXPECT_EQ(rows[0].entry().resource_type, "patients");
  EXPECT_EQ(rows[0].entry().resource_id, "");
  EXPECT_FALSE(rows[0].entry().patient_id.has_value());
}

TEST(ReadAuditTest, PatientsNamedByTheHandlerGetARowEach) {
  ReadAudit audit = ReadAudit("alerts").patients_from_handler();
  http::Request request;
  EXPECT_TRUE(audit.rows(request).empty()) << "nobody named: nobody read";
  read_patients(request, {3, 9});
  auto rows = audit.rows(request);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].entry().patient_id, 3);
  EXPECT_EQ(rows[0].entry().resource_id, "3");
  EXPECT_EQ(rows[1].entry().patient_id, 9);
  EXPECT_EQ(rows[1].entry().resource_type, "alerts");
}

TEST(ReadAuditTest, ASearchShowingNobodyElseStillLeavesOneRow) {
  ReadAudit audit = ReadAudit("patients").action("patient.search").patients_from_handler(true);
  http::Request request;
  auto none = audit.rows(request);
  ASSERT_EQ(none.size(), 1u);
  EXPECT_EQ(none[0].entry().resource_id, "");
  EXPECT_FALSE(none[0].entry().patient_id.has_value());
  read_patients(request, {5});
  auto shown = audit.rows(request);
  ASSERT_EQ(shown.size(), 1u);
  EXPECT_EQ(shown[0].entry().patient_id, 5);
  EXPECT_EQ(shown[0].entry().resource_id, "5");
}

}  // namespace
}  // namespace vitalis::identity
