// The clinical part of records: pure validation (area codes, ICD-10 codes, profiles, cursors) and,
// on SQLite and PostgreSQL, the timeline's merge of kinds with keyset paging through ties, the
// symptom hook inside the write transaction, and a failed write that leaves nothing behind.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <set>
#include <stdexcept>

#include "core/base64.hpp"
#include "records/clinical_service.hpp"
#include "records/testing.hpp"
#include "records/timeline.hpp"
#include "records/timeline_cursor.hpp"

namespace vitalis::records {
namespace {

using identity::Principal;
using identity::Role;

TEST(ClinicalValidation, AreaCodes) {
  EXPECT_TRUE(is_area_code("E09000007"));
  EXPECT_TRUE(is_area_code("W06000015"));
  EXPECT_TRUE(is_area_code("N09000003"));
  EXPECT_FALSE(is_area_code("X09000007"));
  EXPECT_FALSE(is_area_code("E0900000"));
  EXPECT_FALSE(is_area_code("E090000077"));
  EXPECT_FALSE(is_area_code("e09000007"));
  EXPECT_FALSE(is_area_code("E0900000A"));
}

TEST(ClinicalValidation, Icd10Codes) {
  for (auto [text, expected] : {std::pair<const char*, const char*>{"E11.9", "E11.9"},
                                {"i10", "I10"},
                                {"S72.001A", "S72.001A"},
                                {"J45.909", "J45.909"}}) {
    auto code = normalise_icd10(text);
    ASSERT_TRUE(code.ok()) << text;
    EXPECT_EQ(*code, expected);
  }
  for (const char* bad : {"E1", "11.9", "E11.", "E119", "E11.99999", "E11-9", "diabetes"}) {
    auto code = normalise_icd10(bad);
    ASSERT_FALSE(code.ok()) << bad;
    EXPECT_EQ(code.error().field, "icd10_code");
  }
}

TEST(ClinicalValidation, ProfileFieldsAreNamed) {
  ProfileInput input;
  input.area_code = "E09000007";
  input.blood_group = "AB-";
  input.postcode = " n1 9gu ";
  input.allergies = {{"penicillin", "", "", {}, {}},
                     {" Penicillin ", "rash", "mild", {}, {}},
                     {"latex", " itchy rash ", "moderate", {}, {}}};
  auto valid = validate_profile(input);
  ASSERT_TRUE(valid.ok()) << valid.error().message;
  EXPECT_EQ(valid->postcode, "N1 9GU");
  ASSERT_EQ(valid->allergies.size(), 2u) << "the same substance twice is kept once";
  EXPECT_EQ(valid->allergies[0].substance, "penicillin");
  EXPECT_EQ(valid->allergies[0].severity, "unknown");
  EXPECT_EQ(valid->allergies[1].reaction, "itchy rash");
  EXPECT_EQ(valid->allergies[1].severity, "moderate");
  EXPECT_EQ(validate_profile({}).value().blood_group, "unknown");

  auto with = [](auto change) {
    ProfileInput bad;
    change(bad);
    return validate_profile(bad).error();
  };
  EXPECT_EQ(with([](ProfileInput& p) { p.area_code = "London"; }).field, "area_code");
  EXPECT_EQ(with([](ProfileInput& p) { p.blood_group = "C+"; }).field, "blood_group");
  EXPECT_EQ(with([](ProfileInput& p) { p.conditions = {""}; }).field, "conditions");
  EXPECT_EQ(with([](ProfileInput& p) { p.medications.assign(51, "x"); }).field, "medications");
  EXPECT_EQ(with([](ProfileInput& p) { p.city = std::string(101, 'a'); }).field, "city");
  // Messages name what people see; the field code stays for the form.
  EXPECT_EQ(with([](ProfileInput& p) { p.city = std::string(101, 'a'); }).message,
            "City must be at most 100 characters");
  EXPECT_EQ(with([](ProfileInput& p) {
              p.conditions = {"asthma", " "};
            }).message,
            "Long-term conditions: entry 2 is empty");
  EXPECT_EQ(with([](ProfileInput& p) { p.area_code = "London"; })
                .message.rfind("Local authority "
                               "code",
                               0),
            0u);
  auto allergy = [](std::string substance, std::string severity) {
    ProfileInput bad;
    bad.allergies = {{"latex", "", "", {}, {}}, {std::move(substance), "", severity, {}, {}}};
    return validate_profile(bad).error();
  };
  EXPECT_EQ(allergy("", "mild").field, "allergies.1.substance");
  EXPECT_EQ(allergy("", "mild").message, "Allergy 2: Substance is required");
  EXPECT_EQ(allergy("aspirin", "deadly").field, "allergies.1.severity");
  EXPECT_EQ(allergy("aspirin", "deadly").message,
            "Allergy 2: Severity must be mild, moderate, severe or not known");
  auto contradiction = with([](ProfileInput& p) {
    p.no_known_allergies = true;
    p.allergies = {{"latex", "", "", {}, {}}};
  });
  EXPECT_EQ(contradiction.field, "no_known_allergies");
  ProfileInput none;
  none.no_known_allergies = true;
  EXPECT_TRUE(validate_profile(none).ok());
}

TEST(ClinicalValidation, AgeInWholeYearsFromTheDateOfBirth) {
  EXPECT_EQ(age_on("1971-04-12", "2026-04-11"), 54);
  EXPECT_EQ(age_on("1971-04-12", "2026-04-12"), 55);
  EXPECT_EQ(age_on("2000-02-29", "2026-02-28"), 25);
  EXPECT_EQ(age_on("2026-01-01", "2026-01-01"), 0);
  EXPECT_EQ(age_on("2027-01-01", "2026-01-01"), std::nullopt);
  EXPECT_EQ(age_on("", "2026-01-01"), std::nullopt);
  EXPECT_EQ(age_on("12/04/1971", "2026-01-01"), std::nullopt);
}

TEST(ClinicalValidation, SymptomLabels) {
  EXPECT_EQ(symptom_label("skin_rash"), "Skin rash");
  EXPECT_EQ(symptom_label("dischromic__patches"), "Dischromic patches");
}

TEST(Timeline, CursorRoundTripAndRefusals) {
  TimelineCursor cursor{"2026-03-01T08:00:00.000000Z", "symptom", 42};
  auto decoded = decode_cursor(encode_cursor(cursor));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->at, cursor.at);
  EXPECT_EQ(decoded->kind, "symptom");
  EXPECT_EQ(decoded->id, 42);
  for (const std::string& bad :
       {std::string("nope!"), base64url_encode("2026-03-01T08:00:00.000000Z|symptom"),
        base64url_encode("2026-03-01T08:00:00.000000Z|bogus|1"),
        base64url_encode("2026-03-01|symptom|1"),
        base64url_encode("2026-03-01T08:00:00.000000Z|symptom|0"),
        base64url_encode("2026-03-01T08:00:00.000000Z|symptom|1x")}) {
    auto refused = decode_cursor(bad);
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_EQ(refused.error().field, "cursor");
  }
}

// The request readers know records' kinds without the database: the list must be the sources'.
TEST(Timeline, OwnKindsAreTheSourcesTable) {
  std::vector<std::string_view> sources;
  for (const auto& source : timeline_sources()) sources.push_back(source.kind);
  EXPECT_EQ(sources, timeline_kinds());
  for (auto kind : sources) EXPECT_TRUE(is_timeline_kind(kind)) << kind;
  EXPECT_FALSE(is_timeline_kind("prediction"));
}

class ClinicalTest : public testing::RecordsDatabaseTest {
 protected:
  void SetUp() override {
    RecordsDatabaseTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    clinical_ = std::make_unique<ClinicalService>(
        *pool_, *identity_, std::vector<std::string>{"headache", "skin_rash", "chest_pain"});
  }

  Result<SymptomEntry> symptom(const std::string& key, const std::string& onset, int severity = 5) {
    SymptomInput input;
    input.symptom = key;
    input.onset_at = onset;
    input.severity = severity;
    return clinical_->record_symptom(patient_, patient_.account_id, input);
  }

  std::unique_ptr<ClinicalService> clinical_;
};

TEST_P(ClinicalTest, TimelinePagesThroughTiesAcrossKindsWithoutGapsOrRepeats) {
  const std::string same = "2026-03-01T08:00:00Z";
  std::set<std::pair<std::string, std::int64_t>> expected;
  for (int idx = 0; idx < 4; ++idx) {
    auto stored = symptom("headache", same);
    ASSERT_TRUE(stored.ok()) << stored.error().message;
    expected.insert({"symptom", stored->id});
    EncounterInput visit{same, "consultation", "check-up " + std::to_string(idx), ""};
    auto encounter = clinical_->add_encounter(doctor_, patient_.account_id, visit);
    ASSERT_TRUE(encounter.ok()) << encounter.error().message;
    expected.insert({"encounter", encounter->id});
    ObservationInput pulse{"heart_rate", "metric", 60.0 + idx, "/min", {}, {}, same};
    auto observed = service_->record(patient_, patient_.account_id, pulse);
    ASSERT_TRUE(observed.ok());
    expected.insert({"observation", observed->stored.front().id});
  }
  TimelineQuery query;
  query.limit = 5;
  std::vector<std::pair<std::string, std::int64_t>> seen;
  for (int pages = 0; pages < 10; ++pages) {
    auto page = clinical_->timeline(patient_.account_id, query);
    ASSERT_TRUE(page.ok()) << page.error().message;
    for (const auto& item : page->items) seen.emplace_back(item.kind, item.id);
    if (!page->next) break;
    query.cursor = page->next;
  }
  ASSERT_EQ(seen.size(), expected.size());
  EXPECT_EQ(std::set(seen.begin(), seen.end()), expected);
  // Ties order by kind then id, descending.
  EXPECT_EQ(seen.front().first, "symptom");
  EXPECT_EQ(seen.back().first, "encounter");
  EXPECT_LT(seen[1].second, seen[0].second);

  query = {};
  query.kinds = {"observation"};
  auto observations = clinical_->timeline(patient_.account_id, query);
  ASSERT_TRUE(observations.ok());
  EXPECT_EQ(observations->items.size(), 4u);
  query.kinds.clear();
  query.to = "2026-03-01T08:00:00.000000Z";  // exclusive
  EXPECT_TRUE(clinical_->timeline(patient_.account_id, query)->items.empty());
}

TEST_P(ClinicalTest, SymptomHookRunsInsideTheWriteTransaction) {
  std::vector<std::int64_t> hooked;
  clinical_->set_symptom_hook([&](db::Lease&, const identity::Caller&,
                                  const SymptomEntry& entry) -> std::optional<UrgentAdvice> {
    hooked.push_back(entry.id);
    if (entry.severity == 10) throw std::runtime_error("alert store failed");
    if (entry.symptom != "chest_pain") return std::nullopt;
    UrgentAdvice advice;
    advice.headline = "This needs help now";
    return advice;
  });
  auto stored = symptom("chest pain", "", 8);
  ASSERT_TRUE(stored.ok()) << stored.error().message;
  EXPECT_EQ(stored->symptom, "chest_pain");
  EXPECT_EQ(stored->source, "self_reported");
  EXPECT_EQ(hooked, std::vector<std::int64_t>{stored->id});
  // The hook's advice comes back to the caller with the stored entry.
  SymptomInput chest;
  chest.symptom = "chest_pain";
  chest.severity = 9;
  std::optional<UrgentAdvice> advice;
  ASSERT_TRUE(clinical_->record_symptom(patient_, patient_.account_id, chest, &advice).ok());
  ASSERT_TRUE(advice.has_value());
  EXPECT_EQ(advice->headline, "This needs help now");
  advice.reset();
  chest.symptom = "headache";
  ASSERT_TRUE(clinical_->record_symptom(patient_, patient_.account_id, chest, &advice).ok());
  EXPECT_FALSE(advice.has_value());
  long long audit_rows = count("audit_log");
  EXPECT_FALSE(symptom("headache", "", 10).ok());
  EXPECT_EQ(count("symptom_entries"), 3) << "the failed hook rolled the entry back";
  EXPECT_EQ(count("audit_log"), audit_rows);

  EXPECT_EQ(symptom("sneezing_a_lot", "").error().field, "symptom");
  EXPECT_EQ(symptom("headache", "", 11).error().field, "severity");
  SymptomInput both;
  both.symptom = "headache";
  both.free_text = "odd tingling";
  both.severity = 3;
  EXPECT_EQ(clinical_->record_symptom(patient_, patient_.account_id, both).error().field,
            "symptom");
}

TEST_P(ClinicalTest, OnlyDoctorsWriteClinicalEntriesAndLinksStayInTheRecord) {
  DiagnosisInput diagnosis{"Type 2 diabetes", "e11.9", "", "", std::nullopt};
  auto refused = clinical_->add_diagnosis(patient_, patient_.account_id, diagnosis);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kForbidden);
  auto stored = clinical_->add_diagnosis(doctor_, patient_.account_id, diagnosis);
  ASSERT_TRUE(stored.ok()) << stored.error().message;
  EXPECT_EQ(stored->icd10_code, "E11.9");
  EXPECT_EQ(stored->status, "active");

  auto other = account("carla@example.org", "patient");
  EncounterInput visit{"", "telehealth", "review", ""};
  auto elsewhere = clinical_->add_encounter(doctor_, other, visit);
  ASSERT_TRUE(elsewhere.ok());
  PrescriptionInput prescription{"Metformin", "500 mg", "1 tablet", "twice daily", "",
                                 "",          "",       "",         elsewhere->id, ""};
  auto linked = clinical_->add_prescription(doctor_, patient_.account_id, prescription);
  ASSERT_FALSE(linked.ok());
  EXPECT_EQ(linked.error().field, "encounter_id");
  EXPECT_EQ(count("prescriptions"), 0);
}

INSTANTIATE_TEST_SUITE_P(Dialects, ClinicalTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgresql),
                         db::testing::dialect_name);

}  // namespace
}  // namespace vitalis::records
