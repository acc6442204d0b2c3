// Identity's SQL for the patient directory: the name search over accounts.search_name and
// account_name_tokens, the batched look-ups of names, demographics and care links that other
// modules show beside their own rows, and the addresses of a patient's care team. Every function
// runs in the caller's lease (and transaction).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "identity/directory.hpp"

namespace vitalis::identity::sql {

#define VITALIS_CARD_COLUMNS                                                                \
  "SELECT a.id, a.full_name, p.date_of_birth, p.sex, "                                      \
  "(SELECT COUNT(*) FROM care_links l WHERE l.patient_id = a.id AND l.doctor_id = :doctor " \
  "AND l.revoked_at IS NULL) AS linked_count, "
// Lists driven by the doctor's active care links: every row is linked (one active link per
// doctor and patient), so no per-row probe of care_links.
#define VITALIS_LINKED_CARD_COLUMNS \
  "SELECT a.id, a.full_name, p.date_of_birth, p.sex, 1 AS linked_count, "
#define VITALIS_MORE_WORDS                                                   \
  "AND (' ' || a.search_name) LIKE :w1 AND (' ' || a.search_name) LIKE :w2 " \
  "AND (' ' || a.search_name) LIKE :w3 "
// A probe of the (account, token) index: does the account have a word in [low, high)? Written
// as a scalar subquery so that PostgreSQL keeps it a per-row filter instead of planning it as a
// join (several semi-joins cost it tens of milliseconds of planning per query).
#define VITALIS_HAS_WORD(n)                                                 \
  "AND (SELECT MIN(w" n ".token) FROM account_name_tokens w" n " WHERE w" n \
  ".account_id = t.account_id AND w" n ".token >= :word_low" n ") < :word_high" n " "
#define VITALIS_SEARCH_BY_WORD(more_words)                                                  \
  VITALIS_CARD_COLUMNS                                                                      \
  "t.token FROM account_name_tokens t JOIN accounts a ON a.id = t.account_id "              \
  "JOIN patient_profiles p ON p.account_id = a.id "                                         \
  "WHERE t.token >= :low AND t.token < :high "                                              \
  "AND (t.token, t.account_id) > (:after_token, :after_id) " more_words                     \
  "AND (SELECT MIN(e.token) FROM account_name_tokens e WHERE e.account_id = t.account_id "  \
  "AND e.token >= :low2) = t.token "                                                        \
  "AND a.role = 'patient' AND a.status = 'active' "                                         \
  "AND (:any_link = 1 OR NOT EXISTS (SELECT 1 FROM care_links n WHERE n.patient_id = a.id " \
  "AND n.doctor_id = :doctor2 AND n.revoked_at IS NULL)) "                                  \
  "ORDER BY t.token, t.account_id LIMIT :limit"
// Driven by the word index: rows come in (token, id) order straight from the primary key (the
// keyset cursor never starts before the range), and a patient shows once, at the first of their
// words that matches. Index k serves queries of k + 1 words: each further word is a probe.
inline constexpr const char* kSearchByWord[] = {
    VITALIS_SEARCH_BY_WORD(""),
    VITALIS_SEARCH_BY_WORD(VITALIS_HAS_WORD("1")),
    VITALIS_SEARCH_BY_WORD(VITALIS_HAS_WORD("1") VITALIS_HAS_WORD("2")),
    VITALIS_SEARCH_BY_WORD(VITALIS_HAS_WORD("1") VITALIS_HAS_WORD("2") VITALIS_HAS_WORD("3")),
};
// A doctor's own patients: driven by their care links, in name order.
inline constexpr const char* kSearchLinked = VITALIS_LINKED_CARD_COLUMNS
    "a.search_name FROM care_links c JOIN accounts a ON a.id = c.patient_id "
    "JOIN patient_profiles p ON p.account_id = a.id "
    "WHERE c.doctor_id = :doctor2 AND c.revoked_at IS NULL AND a.status = 'active' "
    "AND (' ' || a.search_name) LIKE :w0 " VITALIS_MORE_WORDS
    "AND (a.search_name, a.id) > (:after_name, :after_id) "
    "ORDER BY a.search_name, a.id LIMIT :limit";
// Every one of a doctor's patients whose name matches, in name order: for lists the caller ranks
// by its own data (the triage list ranks by open alerts).
inline constexpr const char* kSelectLinked = VITALIS_LINKED_CARD_COLUMNS
    "a.search_name FROM care_links c JOIN accounts a ON a.id = c.patient_id "
    "JOIN patient_profiles p ON p.account_id = a.id "
    "WHERE c.doctor_id = :doctor2 AND c.revoked_at IS NULL AND a.status = 'active' "
    "AND (' ' || a.search_name) LIKE :w0 " VITALIS_MORE_WORDS "ORDER BY a.search_name, a.id";
inline constexpr const char* kSearchById = VITALIS_CARD_COLUMNS
    "a.search_name FROM accounts a JOIN patient_profiles p ON p.account_id = a.id "
    "WHERE a.id = :id AND a.role = 'patient' AND a.status = 'active'";
// Batched look-ups take the ids as one array parameter (directory.cpp writes it per dialect).
#define VITALIS_CARDS_WHERE(ids)                                                        \
  VITALIS_CARD_COLUMNS                                                                  \
  "a.search_name FROM accounts a JOIN patient_profiles p ON p.account_id = a.id WHERE " \
  "a.id " ids " AND a.role = 'patient' ORDER BY a.id"
inline constexpr const char* kSelectCardsSqlite =
    VITALIS_CARDS_WHERE("IN (SELECT value FROM json_each(:ids))");
inline constexpr const char* kSelectCardsPostgresql =
    VITALIS_CARDS_WHERE("= ANY(CAST(:ids AS bigint[]))");
#undef VITALIS_CARDS_WHERE
#undef VITALIS_CARD_COLUMNS
#undef VITALIS_LINKED_CARD_COLUMNS
#undef VITALIS_MORE_WORDS
#undef VITALIS_HAS_WORD
#undef VITALIS_SEARCH_BY_WORD

// Names of any accounts (alerts and notifications show who they are about and who acted).
inline constexpr const char* kSelectNamesSqlite =
    "SELECT id, full_name FROM accounts WHERE id IN (SELECT value FROM json_each(:ids))";
inline constexpr const char* kSelectNamesPostgresql =
    "SELECT id, full_name FROM accounts WHERE id = ANY(CAST(:ids AS bigint[]))";
// The same, of approved doctors whose accounts are active (the ones patients may book).
inline constexpr const char* kSelectActiveDoctorNamesSqlite =
    "SELECT id, full_name FROM accounts WHERE id IN (SELECT value FROM json_each(:ids)) "
    "AND role = 'doctor' AND status = 'active'";
inline constexpr const char* kSelectActiveDoctorNamesPostgresql =
    "SELECT id, full_name FROM accounts WHERE id = ANY(CAST(:ids AS bigint[])) "
    "AND role = 'doctor' AND status = 'active'";

// Care links as other modules need them.
inline constexpr const char* kSelectLinkedPatientIds =
    "SELECT patient_id FROM care_links WHERE doctor_id = :doctor AND revoked_at IS NULL "
    "ORDER BY patient_id";
inline constexpr const char* kSelectCareTeamContacts =
    "SELECT a.id, a.email, a.full_name FROM care_links l JOIN accounts a ON a.id = l.doctor_id "
    "WHERE l.patient_id = :patient AND l.revoked_at IS NULL AND a.status = 'active' "
    "ORDER BY a.id";
inline constexpr const char* kSelectPatientContact =
    "SELECT id, email, full_name FROM accounts WHERE id = :patient AND role = 'patient' "
    "AND status = 'active'";

}  // namespace vitalis::identity::sql

namespace vitalis::identity::store {

// A patient card plus its ordering key (the matched word, or the folded name).
struct CardHit {
  PatientCard card;
  std::string key;
};
// Words in [low, high): every word that starts with a prefix.
struct WordRange {
  std::string low, high;
};

// kSearchByWord: patients with a word in `first` and one in each of `more` (at most 3), after
// (after_key, after_id) in (word, id) order; `any_link` false: only those not linked to
// `doctor_id`. `linked` is against `doctor_id` (0: none).
std::vector<CardHit> cards_by_word(db::Lease& lease, std::int64_t doctor_id, const WordRange& first,
                                   const std::vector<WordRange>& more, const std::string& after_key,
                                   std::int64_t after_id, bool any_link, int limit);
// kSearchLinked: the doctor's active patients whose folded name matches `first_pattern` and the
// three `patterns` (LIKE on " " + search_name), after (after_key, after_id) in name order.
std::vector<CardHit> linked_cards(db::Lease& lease, std::int64_t doctor_id,
                                  const std::string& first_pattern,
                                  const std::vector<std::string>& patterns,
                                  const std::string& after_key, std::int64_t after_id, int limit);
// kSelectLinked: every such patient, in name order.
std::vector<CardHit> all_linked_cards(db::Lease& lease, std::int64_t doctor_id,
                                      const std::string& first_pattern,
                                      const std::vector<std::string>& patterns);
// kSearchById: the active patient with this id.
std::optional<CardHit> card_by_id(db::Lease& lease, std::int64_t patient_id,
                                  std::int64_t doctor_id);
// The patients among `ids`, by id, in one query.
std::vector<CardHit> cards(db::Lease& lease, const std::vector<std::int64_t>& ids,
                           std::int64_t doctor_id);
// Names of the accounts among `ids`; with `active_doctors`, of active doctors only.
std::map<std::int64_t, std::string> names(db::Lease& lease, const std::vector<std::int64_t>& ids,
                                          bool active_doctors = false);
std::vector<std::int64_t> linked_patient_ids(db::Lease& lease, std::int64_t doctor_id);
std::vector<Contact> care_team_contacts(db::Lease& lease, std::int64_t patient_id);
std::optional<Contact> patient_contact(db::Lease& lease, std::int64_t patient_id);

}  // namespace vitalis::identity::store
