// The patient directory: the search plans (word index, care links,
// ranked care links, number), and the batched look-ups, over the queries in store_directory.hpp.
#include "identity/directory.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <tuple>

#include "core/search_text.hpp"
#include "identity/directory_query.hpp"
#include "identity/store_care_team.hpp"
#include "identity/store_directory.hpp"

namespace vitalis::identity::directory {

namespace {

// Every word that starts with a prefix sorts in [prefix, prefix + U+10FFFF).
constexpr const char* kAfterEveryWord = "\xF4\x8F\xBF\xBF";

// A card plus its ordering key (the matched word, or the folded name).
using Hit = store::CardHit;

// LIKE patterns for the words after the first: "% word%" on " " + search_name matches a word
// prefix anywhere; "%" matches everything for the unused slots.
std::vector<std::string> word_patterns(const std::vector<std::string>& words, std::size_t from) {
  std::vector<std::string> patterns;
  for (std::size_t index = from; index < from + 3; ++index) {
    patterns.push_back(index < words.size() ? "% " + words[index] + "%" : "%");
  }
  return patterns;
}

std::string first_pattern(const std::vector<std::string>& words) {
  return words.empty() ? "%" : "% " + words.front() + "%";
}

std::vector<Hit> search_by_word(db::Lease& lease, const std::vector<std::string>& words,
                                std::int64_t doctor_id, bool only_unlinked,
                                const std::string& after_key, std::int64_t after_id, int limit) {
  store::WordRange first{words.front(), words.front() + kAfterEveryWord};
  // The cursor is also the scan's start key on PostgreSQL: never let it start before the range.
  bool before_range = after_key < first.low;
  std::string start_key = before_range ? first.low : after_key;
  std::int64_t after = before_range ? 0 : after_id;
  std::vector<store::WordRange> more;
  for (std::size_t index = 1; index < words.size() && index < kMaxQueryWords; ++index) {
    more.push_back({words[index], words[index] + kAfterEveryWord});
  }
  return store::cards_by_word(lease, doctor_id, first, more, start_key, after, !only_unlinked,
                              limit);
}

std::vector<Hit> search_linked(db::Lease& lease, const std::vector<std::string>& words,
                               std::int64_t doctor_id, const std::string& after_key,
                               std::int64_t after_id, int limit) {
  return store::linked_cards(lease, doctor_id, first_pattern(words), word_patterns(words, 1),
                             after_key, after_id, limit);
}

// The doctor's matching patients ranked by the caller, highest first, then in the database's
// name order. The key is "<rank>\n<folded name>"; the cursor resumes after its row (or, when that
// patient has left the list, after where its key sorts).
std::vector<Hit> search_linked_ranked(db::Lease& lease, const std::vector<std::string>& words,
                                      std::int64_t doctor_id, const PatientRank& rank,
                                      const std::string& after_key, std::int64_t after_id,
                                      int limit) {
  auto hits =
      store::all_linked_cards(lease, doctor_id, first_pattern(words), word_patterns(words, 1));
  std::vector<std::int64_t> ids;
  for (const Hit& hit : hits) ids.push_back(hit.card.id);
  auto ranks = ids.empty() ? std::map<std::int64_t, std::int64_t>() : rank(lease, ids);
  auto rank_of = [&ranks](const Hit& hit) {
    auto found = ranks.find(hit.card.id);
    return found == ranks.end() ? std::int64_t{0} : found->second;
  };
  std::stable_sort(hits.begin(), hits.end(),
                   [&](const Hit& a, const Hit& b) { return rank_of(a) > rank_of(b); });

  std::int64_t after_rank = INT64_MAX;
  std::string after_name;
  if (auto split = after_key.find('\n'); split != std::string::npos) {
    after_rank = std::strtoll(after_key.substr(0, split).c_str(), nullptr, 10);
    after_name = after_key.substr(split + 1);
  }
  auto begin = std::find_if(hits.begin(), hits.end(),
                            [&](const Hit& hit) { return rank_of(hit) <= after_rank; });
  if (begin != hits.end() && rank_of(*begin) == after_rank) {
    auto group_end =
        std::find_if(begin, hits.end(), [&](const Hit& hit) { return rank_of(hit) < after_rank; });
    auto at = std::find_if(begin, group_end, [&](const Hit& hit) {
      return hit.card.id == after_id && hit.key == after_name;
    });
    begin = at != group_end ? std::next(at) : std::find_if(begin, group_end, [&](const Hit& hit) {
      return std::tie(hit.key, hit.card.id) > std::tie(after_name, after_id);
    });
  }
  std::vector<Hit> out;
  for (auto it = begin; it != hits.end() && out.size() < static_cast<std::size_t>(limit); ++it) {
    Hit hit = *it;
    hit.key = std::to_string(rank_of(hit)) + "\n" + hit.key;
    out.push_back(std::move(hit));
  }
  return out;
}

std::optional<Hit> search_by_id(db::Lease& lease, std::int64_t patient_id, std::int64_t doctor_id) {
  return store::card_by_id(lease, patient_id, doctor_id);
}

}  // namespace

Result<PatientCardPage> search(db::Lease& lease, const Principal& principal,
                               const PatientQuery& query) {
  std::int64_t doctor_id = principal.role == Role::kDoctor ? principal.account_id : 0;
  if (query.linked && doctor_id == 0) {
    return Error::validation("linked", "Only doctors have linked patients");
  }
  if (query.rank && !query.linked.value_or(false)) {
    return Error::validation("sort", "Sorting by " + query.rank_name + " needs linked=true");
  }
  auto cursor = parse_search_cursor(query.cursor);
  if (!cursor.ok()) return cursor.error();
  std::string text = trim(query.text);
  std::vector<std::string> words = query_words(text);
  bool by_id = all_digits(text);
  bool only_linked = query.linked.value_or(false);
  if (!by_id && words.empty() && !only_linked) {
    return Error::validation("query", "Enter a name or a patient number");
  }
  // A doctor finds by name only their own patients: anyone else only by the exact patient
  // number the patient gave them, so the directory of every patient cannot be browsed.
  if (doctor_id != 0 && !by_id) {
    if (query.linked && !*query.linked) {
      return Error::validation("query", "Find a patient who is not yours by their patient number");
    }
    only_linked = true;
  }
  std::vector<Hit> hits;
  if (by_id) {
    if (cursor->id == 0) {
      auto hit = search_by_id(lease, std::stoll(text), doctor_id);
      if (hit && (!query.linked || hit->card.linked == *query.linked)) hits.push_back(*hit);
    }
  } else if (only_linked && query.rank) {
    hits = search_linked_ranked(lease, words, doctor_id, query.rank, cursor->key, cursor->id,
                                query.limit + 1);
  } else if (only_linked) {
    hits = search_linked(lease, words, doctor_id, cursor->key, cursor->id, query.limit + 1);
  } else {
    bool only_unlinked = query.linked.has_value() && !*query.linked;
    hits = search_by_word(lease, words, doctor_id, only_unlinked, cursor->key, cursor->id,
                          query.limit + 1);
  }
  PatientCardPage out;
  if (hits.size() > static_cast<std::size_t>(query.limit)) {
    hits.pop_back();
    out.next_cursor = search_cursor(hits.back().key, hits.back().card.id);
  }
  for (auto& hit : hits) out.items.push_back(std::move(hit.card));
  return out;
}

std::vector<PatientCard> patients(db::Lease& lease, const std::vector<std::int64_t>& ids,
                                  std::int64_t doctor_id) {
  if (ids.empty()) return {};
  std::vector<PatientCard> out;
  for (Hit& hit : store::cards(lease, ids, doctor_id)) out.push_back(std::move(hit.card));
  return out;
}

std::map<std::int64_t, std::string> names(db::Lease& lease, const std::vector<std::int64_t>& ids) {
  if (ids.empty()) return {};
  return store::names(lease, ids);
}

std::map<std::int64_t, std::string> active_doctor_names(db::Lease& lease,
                                                        const std::vector<std::int64_t>& ids) {
  if (ids.empty()) return {};
  return store::names(lease, ids, true);
}

std::vector<std::int64_t> linked_patient_ids(db::Lease& lease, std::int64_t doctor_id) {
  return store::linked_patient_ids(lease, doctor_id);
}

bool linked(db::Lease& lease, std::int64_t patient_id, std::int64_t doctor_id) {
  return store::on_care_team(lease, patient_id, doctor_id);
}

std::vector<Contact> care_team_contacts(db::Lease& lease, std::int64_t patient_id) {
  return store::care_team_contacts(lease, patient_id);
}

std::optional<Contact> patient_contact(db::Lease& lease, std::int64_t patient_id) {
  return store::patient_contact(lease, patient_id);
}

}  // namespace vitalis::identity::directory
