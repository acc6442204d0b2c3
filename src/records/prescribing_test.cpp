// Prescribing against allergies and current medicines, on SQLite and PostgreSQL: a conflict
// refuses the prescription with each reason in plain words and writes nothing; an override with
// a reason is stored, audited as prescription.override and shown in the timeline and export; an
// active prescription with the same ingredient is a duplicate; an unknown medicine is allowed
// with a note; an allergy to a brand name keeps working without the medicines table once it was
// understood; the patient summary; and free-text allergies surviving migration 0009.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include "db/migrate.hpp"
#include "identity/testing.hpp"
#include "records/clinical_service.hpp"
#include "records/clinical_store.hpp"
#include "records/prescribing_check.hpp"
#include "records/testing.hpp"

namespace vitalis::records {
namespace {

using medicines::Knowledge;

constexpr const char* kTable =
    "Medicine Name,Composition\n"
    "Augmentin 625 Duo Tablet,Amoxycillin  (500mg) +  Clavulanic Acid (125mg)\n"
    "Brufen 400 Tablet,Ibuprofen (400mg)\n";

std::shared_ptr<const Knowledge> with_brands() {
  auto knowledge = std::make_shared<Knowledge>(Knowledge::built_in());
  EXPECT_TRUE(knowledge->add_medicines_table(kTable).ok());
  return knowledge;
}

Allergy allergy(std::string substance, std::string reaction = "", std::string severity = "") {
  Allergy out;
  out.substance = std::move(substance);
  out.reaction = std::move(reaction);
  out.severity = severity.empty() ? "unknown" : std::move(severity);
  return out;
}

Prescription active(std::int64_t id, std::string medicine, std::string strength) {
  Prescription out;
  out.id = id;
  out.medicine = std::move(medicine);
  out.strength = std::move(strength);
  out.dose = "1 tablet";
  out.frequency = "once daily";
  out.status = "active";
  out.prescribed_at = "2026-03-01T08:00:00.000000Z";
  return out;
}

TEST(PrescribingCheck, ConflictsInPlainWords) {
  auto knowledge = with_brands();
  auto check = [&](std::string medicine, std::vector<Allergy> allergies,
                   std::vector<Prescription> current = {}) {
    return check_prescription(*knowledge, medicine, allergies, current);
  };
  auto penicillin = check("Amoxicillin", {allergy("penicillin", "anaphylaxis", "severe")});
  ASSERT_EQ(penicillin.conflicts.size(), 1u);
  EXPECT_EQ(penicillin.conflicts[0].message,
            "Recorded allergy: penicillin (severe: anaphylaxis). Amoxicillin is a penicillin.");
  EXPECT_EQ(penicillin.conflicts[0].match, "class");
  EXPECT_EQ(penicillin.conflicts[0].class_id, "penicillins");

  auto brand = check("Augmentin 625 Duo", {allergy("Penicillin")});
  ASSERT_EQ(brand.conflicts.size(), 1u);
  EXPECT_EQ(brand.conflicts[0].message,
            "Recorded allergy: Penicillin (severity not recorded). Augmentin 625 Duo contains "
            "amoxicillin, a penicillin.");

  auto by_brand = check("amoxicillin 500 mg", {allergy("Augmentin", "rash", "moderate")});
  ASSERT_EQ(by_brand.conflicts.size(), 1u);
  EXPECT_EQ(by_brand.conflicts[0].match, "ingredient");
  EXPECT_EQ(by_brand.conflicts[0].message,
            "Recorded allergy: Augmentin (moderate: rash), which contains amoxicillin. This "
            "prescription is amoxicillin.");

  auto related = check("Naproxen 250 mg", {allergy("ibuprofen", "wheezing")});
  ASSERT_EQ(related.conflicts.size(), 1u);
  EXPECT_EQ(related.conflicts[0].match, "related_class");
  EXPECT_EQ(related.conflicts[0].message,
            "Recorded allergy: ibuprofen (wheezing; severity not recorded). Naproxen is also an "
            "NSAID (non-steroidal anti-inflammatory) like ibuprofen: a reaction to one can mean a "
            "reaction to the other.");

  auto duplicate = check("Amlodipine", {}, {active(7, "Amlodipine", "5 mg")});
  ASSERT_EQ(duplicate.conflicts.size(), 1u);
  EXPECT_EQ(duplicate.conflicts[0].kind, "duplicate");
  EXPECT_EQ(duplicate.conflicts[0].prescription_id, 7);
  EXPECT_EQ(duplicate.conflicts[0].message,
            "Already prescribed and active: Amlodipine 5 mg, 1 tablet once daily (since "
            "2026-03-01). Both contain amlodipine.");
  EXPECT_TRUE(check("Amlodipine", {}, {active(7, "Atorvastatin", "20 mg")}).conflicts.empty());

  // No false alarms, and what could not be checked is said.
  auto unknown = check("Zyxorin 10 mg", {allergy("penicillin"), allergy("peanuts")});
  EXPECT_TRUE(unknown.conflicts.empty());
  EXPECT_FALSE(unknown.medicine_understood);
  ASSERT_EQ(unknown.notes.size(), 2u);
  EXPECT_NE(unknown.notes[0].find("is not a medicine this server knows"), std::string::npos);
  EXPECT_NE(unknown.notes[1].find("peanuts"), std::string::npos);
  EXPECT_TRUE(check("Penicillamine", {allergy("penicillin")}).conflicts.empty());
  EXPECT_TRUE(check("Paracetamol", {allergy("aspirin")}).conflicts.empty());
}

TEST(PrescribingCheck, BrandAllergiesWithoutTheTableAreNamedAsNotChecked) {
  Knowledge bare = Knowledge::built_in();
  auto check = check_prescription(bare, "Amoxicillin", {allergy("Augmentin")}, {});
  EXPECT_TRUE(check.conflicts.empty());
  EXPECT_FALSE(check.brand_names_available);
  ASSERT_EQ(check.notes.size(), 1u);
  EXPECT_NE(check.notes[0].find("Augmentin"), std::string::npos);
  EXPECT_NE(check.notes[0].find("Brand names cannot be looked up"), std::string::npos);
  // Understood once (when it was saved with the table), it stays checked.
  Allergy saved = understood(*with_brands(), allergy("Augmentin"));
  EXPECT_EQ(saved.ingredients, (std::vector<std::string>{"amoxicillin", "clavulanic acid"}));
  EXPECT_EQ(check_prescription(bare, "Amoxicillin", {saved}, {}).conflicts.size(), 1u);
}

class PrescribingTest : public testing::RecordsDatabaseTest {
 protected:
  void SetUp() override {
    RecordsDatabaseTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    add_profile(patient_.account_id, "1971-04-12");
    clinical_ = std::make_unique<ClinicalService>(*pool_, *identity_, std::vector<std::string>{},
                                                  with_brands());
  }

  void add_profile(std::int64_t account_id, const std::string& born) {
    identity::testing::insert_patient_profile(*pool_, account_id, born, "female");
  }

  void record_allergies(std::vector<Allergy> allergies) {
    ProfileInput input;
    input.allergies = std::move(allergies);
    auto saved = clinical_->update_profile(patient_, patient_.account_id, input);
    ASSERT_TRUE(saved.ok()) << saved.error().message;
  }

  Result<PrescribingOutcome> prescribe(const std::string& medicine, const std::string& why = "",
                                       const std::string& strength = "500 mg") {
    PrescriptionInput input;
    input.medicine = medicine;
    input.strength = strength;
    input.dose = "1 capsule";
    input.frequency = "three times a day";
    input.override_reason = why;
    return clinical_->add_prescription(doctor_, patient_.account_id, input);
  }

  long long audited(const std::string& action) {
    return identity::testing::count_audit_rows(*pool_, action);
  }

  std::unique_ptr<ClinicalService> clinical_;
};

TEST_P(PrescribingTest, AnAllergyConflictRefusesAndWritesNothing) {
  record_allergies({allergy("Penicillin", "anaphylaxis", "severe")});
  long long audit_rows = count("audit_log");
  auto refused = prescribe("Amoxicillin");
  ASSERT_TRUE(refused.ok()) << refused.error().message;
  EXPECT_FALSE(refused->stored);
  ASSERT_EQ(refused->check.conflicts.size(), 1u);
  EXPECT_EQ(refused->check.conflicts[0].message,
            "Recorded allergy: Penicillin (severe: anaphylaxis). Amoxicillin is a penicillin.");
  EXPECT_EQ(count("prescriptions"), 0);
  EXPECT_EQ(count("audit_log"), audit_rows) << "nothing written, not even an audit row";

  // "Augmentin" as a brand: amoxicillin-containing products are blocked too.
  auto brand = prescribe("Augmentin 625 Duo");
  ASSERT_TRUE(brand.ok());
  EXPECT_FALSE(brand->stored);
  EXPECT_EQ(count("prescriptions"), 0);
}

TEST_P(PrescribingTest, AnOverrideIsStoredAuditedAndShownEverywhere) {
  record_allergies({allergy("Penicillin", "anaphylaxis", "severe")});
  auto too_short = prescribe("Amoxicillin", "fine");
  ASSERT_FALSE(too_short.ok());
  EXPECT_EQ(too_short.error().field, "override_reason");
  EXPECT_EQ(count("prescriptions"), 0);

  const std::string why = "Allergist confirmed it was a viral rash, tolerated since";
  auto stored = prescribe("Amoxicillin", why);
  ASSERT_TRUE(stored.ok()) << stored.error().message;
  ASSERT_TRUE(stored->stored);
  EXPECT_EQ(stored->stored->safety_override.reason, why);
  ASSERT_EQ(stored->stored->safety_override.warnings.size(), 1u);
  EXPECT_NE(stored->stored->safety_override.warnings[0].find("Amoxicillin is a penicillin"),
            std::string::npos);
  EXPECT_EQ(audited("prescription.override"), 1);
  EXPECT_EQ(audited("record.create"), 1);

  {
    auto lease = pool_->acquire();
    ASSERT_TRUE(lease.ok());
    auto read = store::find_prescription(*lease, patient_.account_id, stored->stored->id);
    ASSERT_TRUE(read);
    EXPECT_EQ(read->safety_override.reason, why);
    EXPECT_EQ(read->safety_override.warnings, stored->stored->safety_override.warnings);
  }
  TimelineQuery query;
  query.kinds = {"prescription"};
  auto page = clinical_->timeline(patient_.account_id, query);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_NE(page->items[0].summary.find("prescribed despite a safety warning (" + why + ")"),
            std::string::npos);
  auto exported = clinical_->export_record(patient_.account_id);
  ASSERT_TRUE(exported.ok());
  const auto& prescription = exported->at("prescriptions").as_array().at(0).as_object();
  EXPECT_EQ(prescription.at("override").at("reason").as_string(), why);
  auto summary = clinical_->summary_of(patient_.account_id);
  ASSERT_TRUE(summary.ok());
  ASSERT_EQ(summary->medicines.size(), 1u);
  EXPECT_EQ(summary->medicines[0].safety_override.reason, why);
}

TEST_P(PrescribingTest, TheSameIngredientTwiceIsADuplicateUntilTheFirstStops) {
  auto first = prescribe("Amlodipine", "", "5 mg");
  ASSERT_TRUE(first.ok() && first->stored);
  auto second = prescribe("Amlodipine besylate", "", "10 mg");
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second->stored);
  ASSERT_EQ(second->check.conflicts.size(), 1u);
  EXPECT_EQ(second->check.conflicts[0].kind, "duplicate");
  EXPECT_EQ(second->check.conflicts[0].prescription_id, first->stored->id);
  EXPECT_EQ(count("prescriptions"), 1);

  // A past prescription entered as stopped is history, not a duplicate.
  PrescriptionInput history;
  history.medicine = "Amlodipine";
  history.dose = "1 tablet";
  history.frequency = "once daily";
  history.status = "stopped";
  auto past = clinical_->add_prescription(doctor_, patient_.account_id, history);
  ASSERT_TRUE(past.ok() && past->stored);

  ASSERT_TRUE(
      clinical_
          ->stop_prescription(doctor_, patient_.account_id, first->stored->id, "dose increased")
          .ok());
  auto again = prescribe("Amlodipine", "", "10 mg");
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->stored) << "no active amlodipine any more";
}

TEST_P(PrescribingTest, AnUnknownMedicineIsAllowedWithANote) {
  record_allergies({allergy("Penicillin", "", "severe")});
  auto stored = prescribe("Zyxorin");
  ASSERT_TRUE(stored.ok());
  ASSERT_TRUE(stored->stored);
  EXPECT_FALSE(stored->check.medicine_understood);
  ASSERT_EQ(stored->check.notes.size(), 1u);
  EXPECT_NE(stored->check.notes[0].find("\u201cZyxorin\u201d is not a medicine this server knows"),
            std::string::npos);
  EXPECT_TRUE(stored->stored->safety_override.reason.empty());
  EXPECT_EQ(audited("prescription.override"), 0);
}

TEST_P(PrescribingTest, ABrandAllergyStaysCheckedOnceUnderstood) {
  record_allergies({allergy("Augmentin", "rash", "moderate")});
  // The same database served without the medicines table.
  ClinicalService bare(*pool_, *identity_, {});
  auto refused = bare.add_prescription(doctor_, patient_.account_id, [] {
    PrescriptionInput input;
    input.medicine = "Amoxicillin";
    input.dose = "1 capsule";
    input.frequency = "three times a day";
    return input;
  }());
  ASSERT_TRUE(refused.ok());
  EXPECT_FALSE(refused->stored);
  EXPECT_FALSE(refused->check.brand_names_available);
  auto profile = bare.profile(patient_.account_id);
  ASSERT_TRUE(profile.ok());
  EXPECT_EQ(profile->allergies.at(0).ingredients,
            (std::vector<std::string>{"amoxicillin", "clavulanic acid"}));
}

TEST_P(PrescribingTest, TheSummaryHoldsWhoAllergiesProblemsAndMedicines) {
  record_allergies({allergy("Penicillin", "anaphylaxis", "severe")});
  DiagnosisInput hypertension{"Essential hypertension", "I10", "", "", std::nullopt};
  ASSERT_TRUE(clinical_->add_diagnosis(doctor_, patient_.account_id, hypertension).ok());
  DiagnosisInput old{"Sprained ankle", "", "resolved", "", std::nullopt};
  ASSERT_TRUE(clinical_->add_diagnosis(doctor_, patient_.account_id, old).ok());
  ASSERT_TRUE(prescribe("Amlodipine", "", "5 mg").ok());
  long long reads = audited("record.read");
  auto summary = clinical_->summary_of(patient_.account_id);
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  EXPECT_EQ(audited("record.read"), reads) << "summary_of is audited by its route";
  EXPECT_TRUE(summary->age.has_value());
  EXPECT_EQ(summary->profile.sex, "female");
  ASSERT_EQ(summary->profile.allergies.size(), 1u);
  EXPECT_EQ(summary->profile.allergies[0].classes, std::vector<std::string>{"penicillins"});
  ASSERT_EQ(summary->problems.size(), 1u) << "active problems only";
  EXPECT_EQ(summary->problems[0].description, "Essential hypertension");
  ASSERT_EQ(summary->medicines.size(), 1u);
  EXPECT_TRUE(summary->brand_names_available);
  EXPECT_EQ(clinical_->summary_of(999999).error().code, ErrorCode::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Dialects, PrescribingTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgresql),
                         db::testing::dialect_name);

// A database with free-text allergies (before migration 0009): they become structured allergies
// of unknown severity, in order, and leave the old list.
class AllergiesUpgradeTest : public db::testing::DialectTest {};

TEST_P(AllergiesUpgradeTest, FreeTextAllergiesSurviveAsStructuredOnes) {
  auto pool = database_->open();
  ASSERT_TRUE(pool);
  ASSERT_TRUE(db::testing::migrate_before(*pool, 9));
  std::int64_t ana = identity::testing::insert_account(*pool, "ana@example.org", "patient");
  identity::testing::insert_patient_profile(*pool, ana, "1980-05-01", "female");
  {
    auto lease = pool->acquire();
    ASSERT_TRUE(lease.ok());
    long long id = ana;
    int position = 0;
    for (std::string text : {"Penicillin", "peanuts", "Latex gloves"}) {
      std::string kind = "allergy";
      **lease << "INSERT INTO patient_profile_items (patient_id, kind, position, text) "
                 "VALUES (:patient, :kind, :position, :text)",
          soci::use(id), soci::use(kind), soci::use(position), soci::use(text);
      ++position;
    }
    std::string kind = "condition", text = "asthma";
    **lease << "INSERT INTO patient_profile_items (patient_id, kind, position, text) "
               "VALUES (:patient, :kind, 0, :text)",
        soci::use(id), soci::use(kind), soci::use(text);
  }
  ASSERT_TRUE(db::migrate(*pool).ok());
  auto lease = pool->acquire();
  ASSERT_TRUE(lease.ok());
  auto profile = store::load_profile(*lease, ana);
  ASSERT_TRUE(profile);
  ASSERT_EQ(profile->allergies.size(), 3u);
  EXPECT_EQ(profile->allergies[0].substance, "Penicillin");
  EXPECT_EQ(profile->allergies[2].substance, "Latex gloves");
  for (const auto& each : profile->allergies) {
    EXPECT_EQ(each.severity, "unknown");
    EXPECT_TRUE(each.reaction.empty());
  }
  EXPECT_EQ(profile->conditions, std::vector<std::string>{"asthma"});
  EXPECT_FALSE(profile->no_known_allergies);
  // And the old rows are gone: one place holds allergies.
  long long left = 0;
  **lease << "SELECT COUNT(*) FROM patient_profile_items WHERE kind = 'allergy'", soci::into(left);
  EXPECT_EQ(left, 0);
}

INSTANTIATE_TEST_SUITE_P(Dialects, AllergiesUpgradeTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgresql),
                         db::testing::dialect_name);

}  // namespace
}  // namespace vitalis::records
