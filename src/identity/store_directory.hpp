// Identity's SQL for the patient directory: the name search over accounts.search_name and
// account_name_tokens, the batched look-ups of names, demographics and care links that other
// modules show beside their own rows, and the addresses of a patient's care team.
#pragma once

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

// Care links as other modules need them.
inline constexpr const char* kSelectLinkedPatientIds =
    "SELECT patient_id FROM care_links WHERE doctor_id = :doctor AND revoked_at IS NULL "
    "ORDER BY patient_id";
inline constexpr const char* kCountActiveLink =
    "SELECT COUNT(*) FROM care_links WHERE patient_id = :patient AND doctor_id = :doctor "
    "AND revoked_at IS NULL";
inline constexpr const char* kSelectCareTeamContacts =
    "SELECT a.id, a.email, a.full_name FROM care_links l JOIN accounts a ON a.id = l.doctor_id "
    "WHERE l.patient_id = :patient AND l.revoked_at IS NULL AND a.status = 'active' "
    "ORDER BY a.id";
inline constexpr const char* kSelectPatientContact =
    "SELECT id, email, full_name FROM accounts WHERE id = :patient AND role = 'patient' "
    "AND status = 'active'";

}  // namespace vitalis::identity::sql
