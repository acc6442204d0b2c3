// The record access rules (decide_record_access): who may read and change a patient's record.
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

}  // namespace
}  // namespace vitalis::identity
