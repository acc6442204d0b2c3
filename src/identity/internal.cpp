// The identity service's shared inside (internal.hpp): time, account lookups, mail and link
// helpers, and the rows several capabilities read (doctors, profiles, write grants).
#include "identity/internal.hpp"

#include <cctype>

#include "core/time.hpp"
#include "identity/store.hpp"
#include "notify/outbox.hpp"
#include "notify/templates.hpp"

namespace vitalis::identity {

using std::chrono::seconds;

std::string now_text() { return format_rfc3339(Clock::now()); }
std::string from_now(seconds delta) { return format_rfc3339(Clock::now() + delta); }

std::int64_t unix_now() {
  return std::chrono::duration_cast<seconds>(Clock::now().time_since_epoch()).count();
}

namespace {

// Reads the kSelectAccountBy* columns; false when there is no such account.
template <typename Key>
bool load_account(db::Lease& lease, const char* query, const Key& key, AccountRow& row) {
  std::string role;
  long long id = 0;
  soci::statement statement(*lease);
  statement.exchange(soci::into(id));
  statement.exchange(soci::into(row.account.email));
  statement.exchange(soci::into(row.password_hash));
  statement.exchange(soci::into(role));
  statement.exchange(soci::into(row.account.status));
  statement.exchange(soci::into(row.account.full_name));
  statement.exchange(soci::into(row.account.created_at));
  statement.exchange(soci::use(key));
  statement.alloc();
  statement.prepare(query, soci::details::st_one_time_query);
  statement.define_and_bind();
  if (!statement.execute(true)) return false;
  row.account.id = id;
  row.account.role = parse_role(role).value_or(Role::kPatient);
  return true;
}

}  // namespace

bool account_by_email(db::Lease& lease, const std::string& email, AccountRow& row) {
  return load_account(lease, sql::kSelectAccountByEmail, email, row);
}

bool account_by_id(db::Lease& lease, std::int64_t id, AccountRow& row) {
  long long key = id;
  return load_account(lease, sql::kSelectAccountById, key, row);
}

Status enqueue_mail(db::Lease& lease, std::string_view kind,
                    const std::map<std::string, std::string>& vars, const std::string& to) {
  auto message = notify::render(kind, vars, to);
  if (!message.ok()) return message.error();
  notify::enqueue(lease, *message);
  return Ok{};
}

std::string role_text(const Principal& principal) { return std::string(role_name(principal.role)); }

std::vector<DoctorSummary> read_doctors(soci::statement& statement, DoctorSummary& row,
                                        long long& id) {
  std::vector<DoctorSummary> out;
  while (statement.fetch()) {
    row.id = id;
    out.push_back(row);
  }
  return out;
}

bool load_profile(db::Lease& lease, std::int64_t patient_id, PatientProfile& profile) {
  long long id = patient_id, found_id = 0;
  soci::indicator phone_ind = soci::i_null;
  *lease << sql::kSelectPatientProfile, soci::use(id), soci::into(found_id),
      soci::into(profile.full_name), soci::into(profile.email), soci::into(profile.date_of_birth),
      soci::into(profile.sex), soci::into(profile.phone, phone_ind);
  if (!lease->got_data()) return false;
  profile.id = found_id;
  if (phone_ind != soci::i_ok) profile.phone.clear();
  return true;
}

bool load_grant(db::Lease& lease, std::int64_t grant_id, WriteGrant& grant) {
  long long id = grant_id, found = 0, patient = 0, doctor = 0;
  soci::indicator activated_ind = soci::i_null, expires_ind = soci::i_null;
  *lease << sql::kSelectWriteGrant, soci::use(id), soci::into(found), soci::into(patient),
      soci::into(doctor), soci::into(grant.doctor_name), soci::into(grant.status),
      soci::into(grant.requested_at), soci::into(grant.activated_at, activated_ind),
      soci::into(grant.expires_at, expires_ind);
  if (!lease->got_data()) return false;
  grant.id = found;
  grant.patient_id = patient;
  grant.doctor_id = doctor;
  if (activated_ind != soci::i_ok) grant.activated_at.clear();
  if (expires_ind != soci::i_ok) grant.expires_at.clear();
  // An active grant past its end is reported as expired.
  if (grant.status == "active" && grant.expires_at <= now_text()) grant.status = "expired";
  return true;
}

std::string app_link(
    const IdentityOptions& options, std::string_view path,
    std::initializer_list<std::pair<std::string_view, std::string_view>> fragment) {
  std::string link = options.public_url;
  while (!link.empty() && link.back() == '/') link.pop_back();
  link += path;
  char separator = '#';
  for (const auto& [name, value] : fragment) {
    link += separator;
    link += name;
    link += '=';
    for (unsigned char ch : value) {
      if (std::isalnum(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~') {
        link += static_cast<char>(ch);
      } else {
        static constexpr char kHex[] = "0123456789ABCDEF";
        link += '%';
        link += kHex[ch >> 4];
        link += kHex[ch & 15];
      }
    }
    separator = '&';
  }
  return link;
}

}  // namespace vitalis::identity
