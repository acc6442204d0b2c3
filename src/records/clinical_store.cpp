// Row functions over the named queries in clinical_store.hpp.
#include "records/clinical_store.hpp"

#include <soci/soci.h>

#include "db/line_list.hpp"
#include "db/rows.hpp"
#include "records/store_keyset.hpp"

namespace vitalis::records::store {

namespace {

template <typename Reader>
auto find_entry(db::Lease& lease, const char* query, std::int64_t patient_id, std::int64_t id) {
  long long key = id, patient = patient_id;
  return db::first_row<Reader>(lease, query, [&](soci::statement& statement) {
    statement.exchange(soci::use(key));
    statement.exchange(soci::use(patient));
  });
}

template <typename Reader>
auto all_entries(db::Lease& lease, const char* query, std::int64_t patient_id) {
  long long patient = patient_id;
  return db::select_rows<Reader>(
      lease, query, [&](soci::statement& statement) { statement.exchange(soci::use(patient)); });
}

// The trailing ended_at, ended_by, end_reason columns of diagnoses and prescriptions.
struct EndColumns {
  void bind(soci::statement& statement) {
    statement.exchange(soci::into(at));
    statement.exchange(soci::into(by, by_ind));
    statement.exchange(soci::into(reason));
  }
  EntryEnd value() const {
    return {at, by_ind == soci::i_ok ? std::optional<std::int64_t>(by) : std::nullopt, reason};
  }
  std::string at, reason;
  long long by = 0;
  soci::indicator by_ind = soci::i_null;
};

// The columns every entry starts with (id, patient_id) plus an optional encounter link.
struct EntryKeys {
  long long id = 0, patient_id = 0, encounter_id = 0;
  soci::indicator encounter_ind = soci::i_null;
  std::optional<std::int64_t> encounter() const {
    return encounter_ind == soci::i_ok ? std::optional<std::int64_t>(encounter_id) : std::nullopt;
  }
};

class EncounterReader {
 public:
  void bind(soci::statement& statement) {
    statement.exchange(soci::into(keys_.id));
    statement.exchange(soci::into(keys_.patient_id));
    statement.exchange(soci::into(row_.occurred_at));
    statement.exchange(soci::into(row_.type));
    statement.exchange(soci::into(row_.reason));
    statement.exchange(soci::into(row_.notes));
    statement.exchange(soci::into(doctor_));
    statement.exchange(soci::into(row_.recorded_at));
  }
  Encounter current() const {
    Encounter out = row_;
    out.id = keys_.id;
    out.patient_id = keys_.patient_id;
    out.doctor_id = doctor_;
    return out;
  }

 private:
  Encounter row_;
  EntryKeys keys_;
  long long doctor_ = 0;
};

class DiagnosisReader {
 public:
  void bind(soci::statement& statement) {
    statement.exchange(soci::into(keys_.id));
    statement.exchange(soci::into(keys_.patient_id));
    statement.exchange(soci::into(row_.description));
    statement.exchange(soci::into(row_.icd10_code));
    statement.exchange(soci::into(row_.status));
    statement.exchange(soci::into(row_.diagnosed_at));
    statement.exchange(soci::into(keys_.encounter_id, keys_.encounter_ind));
    statement.exchange(soci::into(recorded_by_));
    statement.exchange(soci::into(row_.recorded_at));
    end_.bind(statement);
  }
  Diagnosis current() const {
    Diagnosis out = row_;
    out.id = keys_.id;
    out.patient_id = keys_.patient_id;
    out.encounter_id = keys_.encounter();
    out.recorded_by = recorded_by_;
    out.end = end_.value();
    return out;
  }

 private:
  Diagnosis row_;
  EntryKeys keys_;
  EndColumns end_;
  long long recorded_by_ = 0;
};

class PrescriptionReader {
 public:
  void bind(soci::statement& statement) {
    statement.exchange(soci::into(keys_.id));
    statement.exchange(soci::into(keys_.patient_id));
    for (std::string* text :
         {&row_.medicine, &row_.strength, &row_.dose, &row_.frequency, &row_.duration,
          &row_.instructions, &row_.status, &row_.prescribed_at}) {
      statement.exchange(soci::into(*text));
    }
    statement.exchange(soci::into(keys_.encounter_id, keys_.encounter_ind));
    statement.exchange(soci::into(prescribed_by_));
    statement.exchange(soci::into(row_.recorded_at));
    end_.bind(statement);
    statement.exchange(soci::into(row_.safety_override.reason));
    statement.exchange(soci::into(warnings_));
  }
  Prescription current() const {
    Prescription out = row_;
    out.id = keys_.id;
    out.patient_id = keys_.patient_id;
    out.encounter_id = keys_.encounter();
    out.prescribed_by = prescribed_by_;
    out.end = end_.value();
    out.safety_override.warnings = db::split_lines(warnings_);
    return out;
  }

 private:
  Prescription row_;
  EntryKeys keys_;
  EndColumns end_;
  long long prescribed_by_ = 0;
  std::string warnings_;
};

class AllergyReader {
 public:
  void bind(soci::statement& statement) {
    statement.exchange(soci::into(row_.substance));
    statement.exchange(soci::into(row_.reaction));
    statement.exchange(soci::into(row_.severity));
    statement.exchange(soci::into(ingredients_));
    statement.exchange(soci::into(classes_));
  }
  Allergy current() const {
    Allergy out = row_;
    out.ingredients = db::split_lines(ingredients_);
    out.classes = db::split_lines(classes_);
    return out;
  }

 private:
  Allergy row_;
  std::string ingredients_, classes_;
};

// The clinical_profiles row (kSelectProfile); the identity fields stay empty.
// A condition or medication line of the profile (kSelectProfileItems): kind, text.
class ProfileItemReader {
 public:
  void bind(soci::statement& statement) {
    statement.exchange(soci::into(kind_));
    statement.exchange(soci::into(text_));
  }
  std::pair<std::string, std::string> current() const { return {kind_, text_}; }

 private:
  std::string kind_, text_;
};

class ProfileReader {
 public:
  void bind(soci::statement& statement) {
    for (std::string* text : {&row_.address_line1, &row_.address_line2, &row_.city, &row_.area_code,
                              &row_.postcode, &row_.blood_group, &row_.updated_at}) {
      statement.exchange(soci::into(*text));
    }
    statement.exchange(soci::into(no_known_allergies_));
  }
  ClinicalProfile current() const {
    ClinicalProfile out = row_;
    out.no_known_allergies = no_known_allergies_ != 0;
    return out;
  }

 private:
  ClinicalProfile row_;
  int no_known_allergies_ = 0;
};

// One id column (kLockProfile).
class PatientIdReader {
 public:
  void bind(soci::statement& statement) { statement.exchange(soci::into(id_)); }
  long long current() const { return id_; }

 private:
  long long id_ = 0;
};

class SymptomReader {
 public:
  void bind(soci::statement& statement) {
    statement.exchange(soci::into(keys_.id));
    statement.exchange(soci::into(keys_.patient_id));
    statement.exchange(soci::into(row_.symptom));
    statement.exchange(soci::into(row_.free_text));
    statement.exchange(soci::into(row_.severity));
    statement.exchange(soci::into(row_.onset_at));
    statement.exchange(soci::into(row_.notes));
    statement.exchange(soci::into(row_.source));
    statement.exchange(soci::into(recorded_by_));
    statement.exchange(soci::into(row_.recorded_at));
  }
  SymptomEntry current() const {
    SymptomEntry out = row_;
    out.id = keys_.id;
    out.patient_id = keys_.patient_id;
    out.recorded_by = recorded_by_;
    return out;
  }

 private:
  SymptomEntry row_;
  EntryKeys keys_;
  long long recorded_by_ = 0;
};

}  // namespace

std::optional<ClinicalProfile> load_profile(db::Lease& lease, std::int64_t patient_id) {
  auto rows = all_entries<ProfileReader>(lease, sql::kSelectProfile, patient_id);
  if (rows.empty()) return std::nullopt;
  ClinicalProfile out = std::move(rows.front());
  out.patient_id = patient_id;
  for (auto& [kind, text] :
       all_entries<ProfileItemReader>(lease, sql::kSelectProfileItems, patient_id)) {
    (kind == "condition" ? out.conditions : out.medications).push_back(std::move(text));
  }
  out.allergies = load_allergies(lease, patient_id);
  return out;
}

std::vector<Allergy> load_allergies(db::Lease& lease, std::int64_t patient_id) {
  return all_entries<AllergyReader>(lease, sql::kSelectAllergies, patient_id);
}

void lock_profile(db::Lease& lease, std::int64_t patient_id) {
  if (lease.dialect() != db::Dialect::kPostgresql) return;
  long long patient = patient_id;
  auto held = [&] {
    return !all_entries<PatientIdReader>(lease, sql::kLockProfile, patient_id).empty();
  };
  if (held()) return;
  // No clinical row yet: make an empty one (a concurrent maker of the same row waits for ours,
  // or we for theirs), then hold it.
  db::execute(lease, sql::kEnsureProfile,
              [&](soci::statement& statement) { statement.exchange(soci::use(patient)); });
  held();
}

void replace_profile(db::Lease& lease, std::int64_t patient_id, const ProfileInput& input,
                     const std::string& now) {
  long long patient = patient_id;
  int no_known_allergies = input.no_known_allergies ? 1 : 0;
  db::execute(lease, sql::kSaveProfile, [&](soci::statement& statement) {
    statement.exchange(soci::use(patient));
    statement.exchange(soci::use(input.address_line1));
    statement.exchange(soci::use(input.address_line2));
    statement.exchange(soci::use(input.city));
    statement.exchange(soci::use(input.area_code));
    statement.exchange(soci::use(input.postcode));
    statement.exchange(soci::use(input.blood_group));
    statement.exchange(soci::use(now));
    statement.exchange(soci::use(no_known_allergies));
  });
  db::run(lease, sql::kDeleteAllergies,
          [&](soci::statement& statement) { statement.exchange(soci::use(patient)); });
  for (std::size_t position = 0; position < input.allergies.size(); ++position) {
    const Allergy& allergy = input.allergies[position];
    int at = static_cast<int>(position);
    std::string ingredients = db::join_lines(allergy.ingredients);
    std::string classes = db::join_lines(allergy.classes);
    db::run(lease, sql::kInsertAllergy, [&](soci::statement& statement) {
      statement.exchange(soci::use(patient));
      statement.exchange(soci::use(at));
      statement.exchange(soci::use(allergy.substance));
      statement.exchange(soci::use(allergy.reaction));
      statement.exchange(soci::use(allergy.severity));
      statement.exchange(soci::use(ingredients));
      statement.exchange(soci::use(classes));
    });
  }
  db::run(lease, sql::kDeleteProfileItems,
          [&](soci::statement& statement) { statement.exchange(soci::use(patient)); });
  for (auto [kind, list] :
       {std::pair<std::string, const std::vector<std::string>*>{"condition", &input.conditions},
        {"medication", &input.medications}}) {
    for (std::size_t position = 0; position < list->size(); ++position) {
      int at = static_cast<int>(position);
      db::run(lease, sql::kInsertProfileItem, [&](soci::statement& statement) {
        statement.exchange(soci::use(patient));
        statement.exchange(soci::use(kind));
        statement.exchange(soci::use(at));
        statement.exchange(soci::use((*list)[position]));
      });
    }
  }
}

namespace {

// Binds an optional encounter link for an INSERT.
struct EncounterLink {
  explicit EncounterLink(const std::optional<std::int64_t>& encounter)
      : id(encounter.value_or(0)), ind(encounter ? soci::i_ok : soci::i_null) {}
  long long id;
  soci::indicator ind;
};

}  // namespace

std::int64_t insert_encounter(db::Lease& lease, const Encounter& encounter) {
  long long patient = encounter.patient_id, doctor = encounter.doctor_id;
  return db::number(lease, sql::kInsertEncounter, [&](soci::statement& statement) {
    statement.exchange(soci::use(patient));
    statement.exchange(soci::use(encounter.occurred_at));
    statement.exchange(soci::use(encounter.type));
    statement.exchange(soci::use(encounter.reason));
    statement.exchange(soci::use(encounter.notes));
    statement.exchange(soci::use(doctor));
    statement.exchange(soci::use(encounter.recorded_at));
  });
}

std::optional<Encounter> find_encounter(db::Lease& lease, std::int64_t patient_id,
                                        std::int64_t id) {
  return find_entry<EncounterReader>(lease, sql::kSelectEncounter, patient_id, id);
}

std::vector<Encounter> all_encounters(db::Lease& lease, std::int64_t patient_id) {
  return all_entries<EncounterReader>(lease, sql::kSelectAllEncounters, patient_id);
}

std::int64_t insert_diagnosis(db::Lease& lease, const Diagnosis& diagnosis) {
  long long patient = diagnosis.patient_id, recorded_by = diagnosis.recorded_by;
  EncounterLink link(diagnosis.encounter_id);
  return db::number(lease, sql::kInsertDiagnosis, [&](soci::statement& statement) {
    statement.exchange(soci::use(patient));
    statement.exchange(soci::use(diagnosis.description));
    statement.exchange(soci::use(diagnosis.icd10_code));
    statement.exchange(soci::use(diagnosis.status));
    statement.exchange(soci::use(diagnosis.diagnosed_at));
    statement.exchange(soci::use(link.id, link.ind));
    statement.exchange(soci::use(recorded_by));
    statement.exchange(soci::use(diagnosis.recorded_at));
  });
}

std::optional<Diagnosis> find_diagnosis(db::Lease& lease, std::int64_t patient_id,
                                        std::int64_t id) {
  return find_entry<DiagnosisReader>(lease, sql::kSelectDiagnosis, patient_id, id);
}

std::vector<Diagnosis> all_diagnoses(db::Lease& lease, std::int64_t patient_id) {
  return all_entries<DiagnosisReader>(lease, sql::kSelectAllDiagnoses, patient_id);
}

std::vector<Diagnosis> active_diagnoses(db::Lease& lease, std::int64_t patient_id) {
  return all_entries<DiagnosisReader>(lease, sql::kSelectActiveDiagnoses, patient_id);
}

std::int64_t insert_prescription(db::Lease& lease, const Prescription& prescription) {
  long long patient = prescription.patient_id, by = prescription.prescribed_by;
  EncounterLink link(prescription.encounter_id);
  std::string warnings = db::join_lines(prescription.safety_override.warnings);
  return db::number(lease, sql::kInsertPrescription, [&](soci::statement& statement) {
    statement.exchange(soci::use(patient));
    statement.exchange(soci::use(prescription.medicine));
    statement.exchange(soci::use(prescription.strength));
    statement.exchange(soci::use(prescription.dose));
    statement.exchange(soci::use(prescription.frequency));
    statement.exchange(soci::use(prescription.duration));
    statement.exchange(soci::use(prescription.instructions));
    statement.exchange(soci::use(prescription.status));
    statement.exchange(soci::use(prescription.prescribed_at));
    statement.exchange(soci::use(link.id, link.ind));
    statement.exchange(soci::use(by));
    statement.exchange(soci::use(prescription.recorded_at));
    statement.exchange(soci::use(prescription.safety_override.reason));
    statement.exchange(soci::use(warnings));
  });
}

std::optional<Prescription> find_prescription(db::Lease& lease, std::int64_t patient_id,
                                              std::int64_t id) {
  return find_entry<PrescriptionReader>(lease, sql::kSelectPrescription, patient_id, id);
}

std::vector<Prescription> all_prescriptions(db::Lease& lease, std::int64_t patient_id) {
  return all_entries<PrescriptionReader>(lease, sql::kSelectAllPrescriptions, patient_id);
}

std::vector<Prescription> active_prescriptions(db::Lease& lease, std::int64_t patient_id) {
  return all_entries<PrescriptionReader>(lease, sql::kSelectActivePrescriptions, patient_id);
}

std::int64_t insert_symptom(db::Lease& lease, const SymptomEntry& symptom) {
  long long patient = symptom.patient_id, recorded_by = symptom.recorded_by;
  int severity = symptom.severity;
  return db::number(lease, sql::kInsertSymptom, [&](soci::statement& statement) {
    statement.exchange(soci::use(patient));
    statement.exchange(soci::use(symptom.symptom));
    statement.exchange(soci::use(symptom.free_text));
    statement.exchange(soci::use(severity));
    statement.exchange(soci::use(symptom.onset_at));
    statement.exchange(soci::use(symptom.notes));
    statement.exchange(soci::use(symptom.source));
    statement.exchange(soci::use(recorded_by));
    statement.exchange(soci::use(symptom.recorded_at));
  });
}

std::vector<SymptomEntry> all_symptoms(db::Lease& lease, std::int64_t patient_id) {
  return all_entries<SymptomReader>(lease, sql::kSelectAllSymptoms, patient_id);
}

bool end_entry(db::Lease& lease, const char* query, std::int64_t patient_id, std::int64_t id,
               const EntryEnd& end) {
  long long by = end.by.value_or(0), key = id, patient = patient_id;
  return db::execute(lease, query, [&](soci::statement& statement) {
           statement.exchange(soci::use(end.at));
           statement.exchange(soci::use(by));
           statement.exchange(soci::use(end.reason));
           statement.exchange(soci::use(key));
           statement.exchange(soci::use(patient));
         }) == 1;
}

std::string keyset_query(std::string_view select, std::string_view time_column,
                         std::string_view condition) {
  const std::string at(time_column);
  std::string query = std::string(select) + "WHERE patient_id = :patient AND " + at +
                      " >= :from AND " + at + " <= :ceiling AND (" + at + " < :upper OR (" + at +
                      " = :tie_at AND id < :tie_id))";
  if (!condition.empty()) query += " AND " + std::string(condition);
  return query + " ORDER BY " + at + " DESC, id DESC LIMIT :limit";
}

std::vector<Encounter> encounters_in(db::Lease& lease, const std::string& query,
                                     std::int64_t patient_id, const KeysetBounds& bounds) {
  return db::select_rows<EncounterReader>(lease, query.c_str(), KeysetUses(patient_id, bounds));
}

std::vector<Diagnosis> diagnoses_in(db::Lease& lease, const std::string& query,
                                    std::int64_t patient_id, const KeysetBounds& bounds) {
  return db::select_rows<DiagnosisReader>(lease, query.c_str(), KeysetUses(patient_id, bounds));
}

std::vector<Prescription> prescriptions_in(db::Lease& lease, const std::string& query,
                                           std::int64_t patient_id, const KeysetBounds& bounds) {
  return db::select_rows<PrescriptionReader>(lease, query.c_str(), KeysetUses(patient_id, bounds));
}

std::vector<SymptomEntry> symptoms_in(db::Lease& lease, const std::string& query,
                                      std::int64_t patient_id, const KeysetBounds& bounds) {
  return db::select_rows<SymptomReader>(lease, query.c_str(), KeysetUses(patient_id, bounds));
}

}  // namespace vitalis::records::store
