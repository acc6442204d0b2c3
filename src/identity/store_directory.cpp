// Row functions over the patient directory's named queries (store_directory.hpp).
#include "identity/store_directory.hpp"

#include <soci/soci.h>

#include "db/rows.hpp"

namespace vitalis::identity::store {

namespace {

// A card query's row: the card columns plus the ordering key.
class CardHitReader {
 public:
  void bind(soci::statement& statement) {
    statement.exchange(soci::into(id_));
    statement.exchange(soci::into(row_.card.full_name));
    statement.exchange(soci::into(row_.card.date_of_birth));
    statement.exchange(soci::into(row_.card.sex));
    statement.exchange(soci::into(linked_));
    statement.exchange(soci::into(row_.key));
  }
  CardHit current() const {
    CardHit hit = row_;
    hit.card.id = id_;
    hit.card.linked = linked_ > 0;
    return hit;
  }

 private:
  CardHit row_;
  long long id_ = 0, linked_ = 0;
};

// Runs a card query with the uses `bind` adds.
template <typename Bind>
std::vector<CardHit> select_hits(db::Lease& lease, const char* query, Bind&& bind) {
  return db::select_rows<CardHitReader>(lease, query, std::forward<Bind>(bind));
}

}  // namespace

std::vector<CardHit> cards_by_word(db::Lease& lease, std::int64_t doctor_id, const WordRange& first,
                                   const std::vector<WordRange>& more, const std::string& after_key,
                                   std::int64_t after_id, bool any_link, int limit) {
  long long doctor = doctor_id, after = after_id;
  int any = any_link ? 1 : 0, rows = limit;
  return select_hits(lease, sql::kSearchByWord[more.size()], [&](soci::statement& s) {
    s.exchange(soci::use(doctor));
    s.exchange(soci::use(first.low));
    s.exchange(soci::use(first.high));
    s.exchange(soci::use(after_key));
    s.exchange(soci::use(after));
    for (const WordRange& word : more) {
      s.exchange(soci::use(word.low));
      s.exchange(soci::use(word.high));
    }
    s.exchange(soci::use(first.low));
    s.exchange(soci::use(any));
    s.exchange(soci::use(doctor));
    s.exchange(soci::use(rows));
  });
}

std::vector<CardHit> linked_cards(db::Lease& lease, std::int64_t doctor_id,
                                  const std::string& first_pattern,
                                  const std::vector<std::string>& patterns,
                                  const std::string& after_key, std::int64_t after_id, int limit) {
  long long doctor = doctor_id, after = after_id;
  int rows = limit;
  return select_hits(lease, sql::kSearchLinked, [&](soci::statement& s) {
    s.exchange(soci::use(doctor));
    s.exchange(soci::use(first_pattern));
    for (const auto& pattern : patterns) s.exchange(soci::use(pattern));
    s.exchange(soci::use(after_key));
    s.exchange(soci::use(after));
    s.exchange(soci::use(rows));
  });
}

std::vector<CardHit> all_linked_cards(db::Lease& lease, std::int64_t doctor_id,
                                      const std::string& first_pattern,
                                      const std::vector<std::string>& patterns) {
  long long doctor = doctor_id;
  return select_hits(lease, sql::kSelectLinked, [&](soci::statement& s) {
    s.exchange(soci::use(doctor));
    s.exchange(soci::use(first_pattern));
    for (const auto& pattern : patterns) s.exchange(soci::use(pattern));
  });
}

std::optional<CardHit> card_by_id(db::Lease& lease, std::int64_t patient_id,
                                  std::int64_t doctor_id) {
  long long doctor = doctor_id, id = patient_id;
  return db::first_row<CardHitReader>(lease, sql::kSearchById, [&](soci::statement& s) {
    s.exchange(soci::use(doctor));
    s.exchange(soci::use(id));
  });
}

std::vector<CardHit> cards(db::Lease& lease, const std::vector<std::int64_t>& ids,
                           std::int64_t doctor_id) {
  long long doctor = doctor_id;
  std::string list = db::id_list(lease.dialect(), ids);
  const char* query = lease.dialect() == db::Dialect::kSqlite ? sql::kSelectCardsSqlite
                                                              : sql::kSelectCardsPostgresql;
  return select_hits(lease, query, [&](soci::statement& s) {
    s.exchange(soci::use(doctor));
    s.exchange(soci::use(list));
  });
}

std::map<std::int64_t, std::string> names(db::Lease& lease, const std::vector<std::int64_t>& ids,
                                          bool active_doctors) {
  std::map<std::int64_t, std::string> out;
  long long id = 0;
  std::string name, list = db::id_list(lease.dialect(), ids);
  bool lite = lease.dialect() == db::Dialect::kSqlite;
  const char* query =
      active_doctors
          ? (lite ? sql::kSelectActiveDoctorNamesSqlite : sql::kSelectActiveDoctorNamesPostgresql)
          : (lite ? sql::kSelectNamesSqlite : sql::kSelectNamesPostgresql);
  db::for_each_row(
      lease, query,
      [&](soci::statement& s) {
        s.exchange(soci::into(id));
        s.exchange(soci::into(name));
        s.exchange(soci::use(list));
      },
      [&] { out[id] = name; });
  return out;
}

std::vector<std::int64_t> linked_patient_ids(db::Lease& lease, std::int64_t doctor_id) {
  long long doctor = doctor_id, patient = 0;
  std::vector<std::int64_t> out;
  db::for_each_row(
      lease, sql::kSelectLinkedPatientIds,
      [&](soci::statement& s) {
        s.exchange(soci::into(patient));
        s.exchange(soci::use(doctor));
      },
      [&] { out.push_back(patient); });
  return out;
}

std::vector<Contact> care_team_contacts(db::Lease& lease, std::int64_t patient_id) {
  long long patient = patient_id, id = 0;
  std::string email, name;
  std::vector<Contact> out;
  db::for_each_row(
      lease, sql::kSelectCareTeamContacts,
      [&](soci::statement& s) {
        s.exchange(soci::into(id));
        s.exchange(soci::into(email));
        s.exchange(soci::into(name));
        s.exchange(soci::use(patient));
      },
      [&] {
        out.push_back({id, email, name});
      });
  return out;
}

std::optional<Contact> patient_contact(db::Lease& lease, std::int64_t patient_id) {
  long long patient = patient_id, id = 0;
  Contact row;
  std::optional<Contact> out;
  db::for_each_row(
      lease, sql::kSelectPatientContact,
      [&](soci::statement& s) {
        s.exchange(soci::into(id));
        s.exchange(soci::into(row.email));
        s.exchange(soci::into(row.full_name));
        s.exchange(soci::use(patient));
      },
      [&] {
        out = row;
        out->account_id = id;
      });
  return out;
}

}  // namespace vitalis::identity::store
