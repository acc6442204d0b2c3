// Row functions over the patient directory's named queries (store_directory.hpp).
#include "identity/store_directory.hpp"

#include <soci/soci.h>

#include "db/rows.hpp"

namespace vitalis::identity::store {

namespace {

// Runs a card query: the card columns plus the ordering key, then the uses `bind` adds.
template <typename Bind>
std::vector<CardHit> select_hits(db::Lease& lease, const char* query, Bind&& bind) {
  long long id = 0, linked = 0;
  CardHit row;
  std::vector<CardHit> out;
  auto bind_all = [&](soci::statement& statement) {
    statement.exchange(soci::into(id));
    statement.exchange(soci::into(row.card.full_name));
    statement.exchange(soci::into(row.card.date_of_birth));
    statement.exchange(soci::into(row.card.sex));
    statement.exchange(soci::into(linked));
    statement.exchange(soci::into(row.key));
    bind(statement);
  };
  db::for_each_row(lease, query, bind_all, [&] {
    CardHit hit = row;
    hit.card.id = id;
    hit.card.linked = linked > 0;
    out.push_back(std::move(hit));
  });
  return out;
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
  auto rows = select_hits(lease, sql::kSearchById, [&](soci::statement& s) {
    s.exchange(soci::use(doctor));
    s.exchange(soci::use(id));
  });
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
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

std::map<std::int64_t, std::string> names(db::Lease& lease, const std::vector<std::int64_t>& ids) {
  std::map<std::int64_t, std::string> out;
  long long id = 0;
  std::string name, list = db::id_list(lease.dialect(), ids);
  const char* query = lease.dialect() == db::Dialect::kSqlite ? sql::kSelectNamesSqlite
                                                              : sql::kSelectNamesPostgresql;
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
