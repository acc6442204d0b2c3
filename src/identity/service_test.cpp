// The identity service end to end without HTTP, on SQLite and PostgreSQL: sign-up, the emailed
// code (delivered as .eml files by notify's Sender), verification, sign-in, refresh, doctor
// approval, a repeated sign-up for an unproven address, and the audit rows each step writes.
#include "identity/service.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "db/testing.hpp"
#include "identity/internal.hpp"
#include "identity/store_codes.hpp"
#include "identity/store_sessions.hpp"
#include "identity/tokens.hpp"
#include "notify/sender.hpp"

namespace vitalis::identity {
namespace {

namespace fs = std::filesystem;

// Who calls the public capabilities (an empty principal), from where.
const Caller kCaller{{}, {"192.0.2.10", "service-test"}};
constexpr const char* kPassword = "lantern-river-91-quartz";

class IdentityServiceTest : public db::testing::MigratedTest {
 protected:
  void SetUp() override {
    MigratedTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    init_crypto();
    IdentityOptions options;
    options.password_cost = PasswordCost{1, 8u * 1024 * 1024};  // fast; the checks are the same
    service_ = std::make_unique<IdentityService>(*pool_, SecretKey::generate(), options);
    mail_dir_ =
        fs::temp_directory_path() / ("vitalis_identity_mail_" + random_token().substr(0, 12));
    notify::SenderOptions sender;
    sender.mail_dir = mail_dir_;
    sender_ = std::make_unique<notify::Sender>(*pool_, sender);
  }
  void TearDown() override {
    sender_.reset();
    service_.reset();
    if (!mail_dir_.empty()) fs::remove_all(mail_dir_);
  }

  // Delivers the outbox and takes the messages sent to `to` (oldest first).
  std::vector<std::string> take_mail(const std::string& to) {
    sender_->deliver_due();
    std::vector<fs::path> files;
    if (fs::exists(mail_dir_)) {
      for (const auto& file : fs::directory_iterator(mail_dir_)) {
        if (file.path().extension() == ".eml") files.push_back(file.path());
      }
    }
    std::sort(files.begin(), files.end());
    std::vector<std::string> out;
    for (const auto& path : files) {
      std::ifstream in(path, std::ios::binary);
      std::stringstream text;
      text << in.rdbuf();
      if (text.str().find("\r\nTo: " + to + "\r\n") == std::string::npos) continue;
      out.push_back(text.str());
      fs::remove(path);
    }
    return out;
  }

  // The six-digit code an email shows on a line of its own.
  static std::string code_in(const std::string& mail) {
    std::smatch match;
    if (!std::regex_search(mail, match, std::regex("\n {4}([0-9]{6})\r?\n"))) return "";
    return match[1];
  }

  // The one mail sent to `to` since the last look, and its code.
  std::string only_code_for(const std::string& to) {
    auto mail = take_mail(to);
    EXPECT_EQ(mail.size(), 1u) << "mails to " << to;
    return mail.empty() ? "" : code_in(mail.front());
  }

  static std::string wrong(const std::string& code) {
    std::string out = code;
    out[0] = out[0] == '9' ? '0' : static_cast<char>(out[0] + 1);
    return out;
  }

  PatientSignUp patient(const std::string& email, const std::string& password = kPassword) {
    return {email, password, "Ada Lovelace", "1990-05-01", "female", ""};
  }

  // The account's audit rows, oldest first.
  std::vector<AuditEntry> audit_of(std::int64_t actor_id) {
    AuditFilter filter;
    filter.actor_id = actor_id;
    auto rows = service_->search_audit(filter);
    EXPECT_TRUE(rows.ok());
    std::vector<AuditEntry> out = rows.ok() ? *rows : std::vector<AuditEntry>{};
    std::reverse(out.begin(), out.end());
    return out;
  }

  std::unique_ptr<IdentityService> service_;
  std::unique_ptr<notify::Sender> sender_;
  fs::path mail_dir_;
};

// Long-lived connections (chat's sockets) close a session's sockets when identity says it
// ended: told after each change that ended sessions of the account, and only after one that did.
TEST_P(IdentityServiceTest, EndedSessionsAreToldOnceTheyHaveEnded) {
  std::vector<std::int64_t> told;
  service_->on_sessions_ended([&](std::int64_t id) { told.push_back(id); });
  ASSERT_TRUE(service_->sign_up_patient(kCaller, patient("ada@example.org")).ok());
  auto verified =
      service_->verify_email(kCaller, "ada@example.org", only_code_for("ada@example.org"));
  ASSERT_TRUE(verified.ok() && verified->tokens);
  const std::int64_t id = verified->tokens->account.id;
  auto sign_in = [&] {
    auto in = service_->sign_in(kCaller, "ada@example.org", kPassword);
    EXPECT_TRUE(in.ok() && in->tokens);
    return *in->tokens;
  };
  auto caller_of = [&](const Tokens& tokens) {
    auto principal = service_->authenticate(tokens.access_token);
    EXPECT_TRUE(principal.ok());
    return Caller{*principal, kCaller.client};
  };
  auto first = sign_in();
  EXPECT_TRUE(told.empty());  // signing up and in ends nothing
  ASSERT_TRUE(service_->sign_out(caller_of(first)).ok());
  EXPECT_EQ(told, std::vector<std::int64_t>{id});
  // A refresh token used twice ends its whole family.
  auto second = sign_in();
  ASSERT_TRUE(service_->refresh(kCaller, second.refresh_token).ok());
  EXPECT_EQ(told.size(), 1u);
  EXPECT_FALSE(service_->refresh(kCaller, second.refresh_token).ok());
  EXPECT_EQ(told.size(), 2u);
  // A wrong current password ends nothing; the right one ends the other devices' sessions.
  auto me = caller_of(sign_in());
  EXPECT_FALSE(
      service_->change_password(me, "not the password at all", "a brand new passphrase").ok());
  EXPECT_EQ(told.size(), 2u);
  ASSERT_TRUE(service_->change_password(me, kPassword, "a brand new passphrase").ok());
  ASSERT_TRUE(service_->end_other_sessions(me).ok());
  ASSERT_TRUE(service_->sign_out_everywhere(me).ok());
  EXPECT_EQ(told, (std::vector<std::int64_t>{id, id, id, id, id}));
}

TEST_P(IdentityServiceTest, APatientSignsUpProvesTheAddressAndSignsIn) {
  ASSERT_TRUE(service_->sign_up_patient(kCaller, patient(" Ada@Example.org ")).ok());

  // Not before the address is proven.
  auto early = service_->sign_in(kCaller, "ada@example.org", kPassword);
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().code, ErrorCode::kForbidden);
  EXPECT_EQ(early.error().field, "email");

  std::string code = only_code_for("ada@example.org");
  ASSERT_EQ(code.size(), 6u);
  auto rejected = service_->verify_email(kCaller, "ada@example.org", wrong(code));
  ASSERT_FALSE(rejected.ok());
  EXPECT_EQ(rejected.error().code, ErrorCode::kValidationFailed);
  EXPECT_EQ(rejected.error().field, "code");

  // Proving the address signs an active account in.
  auto verified = service_->verify_email(kCaller, "ADA@example.org", code);
  ASSERT_TRUE(verified.ok()) << verified.error().message;
  EXPECT_EQ(verified->status, "active");
  ASSERT_TRUE(verified->tokens);
  const Account account = verified->tokens->account;
  EXPECT_EQ(account.email, "ada@example.org");
  EXPECT_EQ(account.role, Role::kPatient);
  auto principal = service_->authenticate(verified->tokens->access_token);
  ASSERT_TRUE(principal.ok());
  EXPECT_EQ(principal->account_id, account.id);
  EXPECT_EQ(principal->role, Role::kPatient);
  // A code works once.
  EXPECT_FALSE(service_->verify_email(kCaller, "ada@example.org", code).ok());

  auto bad = service_->sign_in(kCaller, "ada@example.org", "not the password at all");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kUnauthenticated);
  // An unknown address gets the very same answer.
  auto unknown = service_->sign_in(kCaller, "nobody@example.org", kPassword);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(unknown.error().message, bad.error().message);

  auto signed_in = service_->sign_in(kCaller, "ada@example.org", kPassword);
  ASSERT_TRUE(signed_in.ok()) << signed_in.error().message;
  ASSERT_TRUE(signed_in->tokens);  // no second factor: signed in at once
  const auto& tokens = signed_in->tokens;
  EXPECT_EQ(tokens->account.id, account.id);
  EXPECT_TRUE(service_->authenticate(tokens->access_token).ok());

  // Refresh rotates the token; a second use of the old one ends the whole session family.
  auto renewed = service_->refresh(kCaller, tokens->refresh_token);
  ASSERT_TRUE(renewed.ok()) << renewed.error().message;
  EXPECT_NE(renewed->refresh_token, tokens->refresh_token);
  EXPECT_TRUE(service_->authenticate(renewed->access_token).ok());
  auto replayed = service_->refresh(kCaller, tokens->refresh_token);
  ASSERT_FALSE(replayed.ok());
  EXPECT_EQ(replayed.error().code, ErrorCode::kUnauthenticated);
  EXPECT_FALSE(service_->authenticate(renewed->access_token).ok());
  // The session that verification started is another family: still live.
  EXPECT_TRUE(service_->authenticate(verified->tokens->access_token).ok());

  auto rows = audit_of(account.id);
  std::vector<std::string> actions;
  for (const auto& row : rows) actions.push_back(row.action + "/" + row.outcome);
  EXPECT_EQ(actions,
            (std::vector<std::string>{"account.sign_up/success", "account.verify_email/success",
                                      "auth.sign_in/failure", "auth.sign_in/success",
                                      "auth.refresh_reuse/denied"}));
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0].actor_role, "patient");
  EXPECT_EQ(rows[0].resource_type, "account");
  EXPECT_EQ(rows[0].resource_id, std::to_string(account.id));
  EXPECT_EQ(rows[0].patient_id, account.id);
  EXPECT_EQ(rows[0].client_address, "192.0.2.10");
  EXPECT_EQ(rows[1].reason, "signed in");
  EXPECT_FALSE(rows[1].patient_id);
  EXPECT_EQ(rows[2].reason, "wrong credentials");
  EXPECT_EQ(rows[2].resource_id, std::to_string(account.id));
  EXPECT_EQ(rows[3].reason, "");
  EXPECT_EQ(rows[4].actor_role, "unknown");
  EXPECT_EQ(rows[4].resource_type, "session");
  EXPECT_EQ(rows[4].reason, "refresh token reused; session family revoked");

  // The unknown address's failed sign-in is anonymous.
  AuditFilter anonymous;
  anonymous.action = "auth.sign_in";
  auto sign_ins = service_->search_audit(anonymous);
  ASSERT_TRUE(sign_ins.ok());
  int anonymous_failures = 0;
  for (const auto& row : *sign_ins) {
    if (!row.actor_id) {
      ++anonymous_failures;
      EXPECT_EQ(row.actor_role, "anonymous");
      EXPECT_EQ(row.resource_id, "");
      EXPECT_EQ(row.outcome, "failure");
    }
  }
  EXPECT_EQ(anonymous_failures, 1);
  auto chain = verify_audit(*pool_, service_->key());
  ASSERT_TRUE(chain.ok());
  EXPECT_FALSE(chain->first_broken_id) << chain->problem;
}

TEST_P(IdentityServiceTest, ADoctorWaitsForAnAdministratorAfterProvingTheAddress) {
  DoctorSignUp doctor{"grace@example.org", kPassword,    "Grace Hopper",
                      "GMC-1234",          "Cardiology", "Harbour Clinic"};
  ASSERT_TRUE(service_->sign_up_doctor(kCaller, doctor).ok());
  auto verified =
      service_->verify_email(kCaller, "grace@example.org", only_code_for("grace@example.org"));
  ASSERT_TRUE(verified.ok()) << verified.error().message;
  EXPECT_EQ(verified->status, "pending_approval");
  EXPECT_FALSE(verified->tokens);
  auto waiting = service_->sign_in(kCaller, "grace@example.org", kPassword);
  ASSERT_FALSE(waiting.ok());
  EXPECT_EQ(waiting.error().code, ErrorCode::kForbidden);

  auto pending = service_->list_doctors("pending_approval");
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ(pending->front().licence_number, "GMC-1234");
  auto admin = service_->create_admin("root@example.org", kPassword, "Root Admin");
  ASSERT_TRUE(admin.ok()) << admin.error().message;
  Caller by_admin = kCaller;
  by_admin.account_id = admin->id;
  by_admin.role = Role::kAdmin;
  ASSERT_TRUE(service_->approve_doctor(by_admin, pending->front().id).ok());
  EXPECT_EQ(take_mail("grace@example.org").size(), 1u) << "the doctor is told";
  auto again = service_->approve_doctor(by_admin, pending->front().id);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);

  auto signed_in = service_->sign_in(kCaller, "grace@example.org", kPassword);
  ASSERT_TRUE(signed_in.ok()) << signed_in.error().message;
  ASSERT_TRUE(signed_in->tokens);  // no second factor: signed in at once
  const auto& tokens = signed_in->tokens;
  EXPECT_EQ(tokens->account.role, Role::kDoctor);

  auto admin_rows = audit_of(admin->id);
  ASSERT_EQ(admin_rows.size(), 1u);
  EXPECT_EQ(admin_rows[0].action, "account.approve_doctor");
  EXPECT_EQ(admin_rows[0].actor_role, "admin");
  EXPECT_EQ(admin_rows[0].resource_id, std::to_string(pending->front().id));
  AuditFilter created;
  created.action = "account.create_admin";
  auto system_rows = service_->search_audit(created);
  ASSERT_TRUE(system_rows.ok());
  ASSERT_EQ(system_rows->size(), 1u);
  EXPECT_FALSE(system_rows->front().actor_id);
  EXPECT_EQ(system_rows->front().actor_role, "system");
  EXPECT_EQ(system_rows->front().client_address, "cli");
  EXPECT_EQ(system_rows->front().resource_id, std::to_string(admin->id));
}

TEST_P(IdentityServiceTest, ARepeatedSignUpForAnUnprovenAddressLeavesItToTheMailbox) {
  ASSERT_TRUE(service_->sign_up_patient(kCaller, patient("eve@example.org")).ok());
  std::string first_code = only_code_for("eve@example.org");
  // Same answer as a new sign-up; nobody's password may activate the address now.
  ASSERT_TRUE(
      service_->sign_up_patient(kCaller, patient("eve@example.org", "another long passphrase"))
          .ok());
  auto claim = take_mail("eve@example.org");
  ASSERT_EQ(claim.size(), 1u);
  EXPECT_NE(claim.front().find("/claim#email"), std::string::npos);
  EXPECT_FALSE(service_->verify_email(kCaller, "eve@example.org", first_code).ok());
  for (const char* password : {kPassword, "another long passphrase"}) {
    auto refused = service_->sign_in(kCaller, "eve@example.org", password);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::kUnauthenticated);
  }

  auto claimed = service_->claim_account(kCaller, "eve@example.org", code_in(claim.front()),
                                         "a third passphrase");
  ASSERT_TRUE(claimed.ok()) << claimed.error().message;
  EXPECT_EQ(claimed->status, "active");
  EXPECT_TRUE(service_->sign_in(kCaller, "eve@example.org", "a third passphrase").ok());

  AuditFilter sign_ups;
  sign_ups.action = "account.sign_up";
  auto rows = service_->search_audit(sign_ups);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  const AuditEntry& repeated = rows->front();  // newest first
  EXPECT_FALSE(repeated.actor_id);
  EXPECT_EQ(repeated.actor_role, "anonymous");
  EXPECT_EQ(repeated.outcome, "failure");
  EXPECT_EQ(repeated.resource_type, "account");
  EXPECT_EQ(repeated.resource_id, "");
  EXPECT_EQ(repeated.reason, "email not verified yet; a code to choose a password was emailed");
}

// Issue 16: one-time codes, refresh tokens and access tokens each use their own key derived from
// the server secret; what the secret itself signs or hashes (as before) is worth nothing.
TEST_P(IdentityServiceTest, CodesAndTokensUseTheirPurposesKeys) {
  ASSERT_TRUE(service_->sign_up_patient(kCaller, patient("ada@example.org")).ok());
  std::string code = only_code_for("ada@example.org");
  ASSERT_EQ(code.size(), 6u);
  const SecretKey& root = service_->key();
  std::string stored;  // the code's hash as stored
  auto read = db::with_connection(*pool_, [&](db::Lease& lease) -> Status {
    AccountRow row;
    if (!account_by_email(lease, "ada@example.org", row)) return Error::not_found("no account");
    auto open = store::latest_code(lease, row.account.id, kCodePurposeVerify, 0);
    if (open) stored = open->hash;
    return Ok{};
  });
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(stored, root.for_purpose(key_purpose::kCode).keyed_hash(code));
  EXPECT_NE(stored, root.keyed_hash(code));
  auto verified = service_->verify_email(kCaller, "ada@example.org", code);
  ASSERT_TRUE(verified.ok() && verified->tokens) << verified.error().message;
  const Tokens& tokens = *verified->tokens;
  bool under_refresh_key = false, under_secret = true;
  read = db::with_connection(*pool_, [&](db::Lease& lease) -> Status {
    under_refresh_key =
        store::session_by_refresh(
            lease, root.for_purpose(key_purpose::kRefresh).keyed_hash(tokens.refresh_token))
            .has_value();
    under_secret =
        store::session_by_refresh(lease, root.keyed_hash(tokens.refresh_token)).has_value();
    return Ok{};
  });
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_TRUE(under_refresh_key);
  EXPECT_FALSE(under_secret);
  auto claims = verify_access_token(tokens.access_token,
                                    service_->keys().for_purpose(key_purpose::kAccessToken), 0);
  ASSERT_TRUE(claims.ok()) << claims.error().message;
  EXPECT_TRUE(service_->authenticate(tokens.access_token).ok());
  // The same claims signed with the secret itself, or with another purpose's key: refused.
  for (const SecretKey& other : {root, root.for_purpose(key_purpose::kCode)}) {
    auto forged = service_->authenticate(sign_access_token(*claims, other));
    ASSERT_FALSE(forged.ok());
    EXPECT_EQ(forged.error().code, ErrorCode::kUnauthenticated);
  }
}

// Issue 16, key rotation: servers restarted with a rotated ring keep every session, code and
// audit row of the old key; once the old key is retired (audit-only), its tokens are refused and
// its audit rows still verify.
TEST_P(IdentityServiceTest, AKeyRotationSignsNobodyOutARetirementEndsTheOldKeysSessions) {
  IdentityOptions options = service_->options();
  KeyRing ring = service_->keys();
  const std::string old_id = ring.newest_id();
  ASSERT_TRUE(service_->sign_up_patient(kCaller, patient("ada@example.org")).ok());
  auto verified =
      service_->verify_email(kCaller, "ada@example.org", only_code_for("ada@example.org"));
  ASSERT_TRUE(verified.ok() && verified->tokens);
  Tokens before = *verified->tokens;  // access token and refresh hash under the old key
  auto second = service_->sign_in(kCaller, "ada@example.org", kPassword);
  ASSERT_TRUE(second.ok() && second->tokens);
  ASSERT_TRUE(service_->sign_up_patient(kCaller, patient("bob@example.org")).ok());
  std::string pending_code = only_code_for("bob@example.org");  // hashed under the old key

  ring.rotate();
  service_ = std::make_unique<IdentityService>(*pool_, ring, options);
  EXPECT_TRUE(service_->authenticate(before.access_token).ok());
  auto renewed = service_->refresh(kCaller, before.refresh_token);
  ASSERT_TRUE(renewed.ok()) << renewed.error().message;
  // The successor is the new key's: its header names it.
  EXPECT_NE(base64url_decode(renewed->access_token.substr(0, renewed->access_token.find('.')))
                ->find(ring.newest_id()),
            std::string::npos);
  EXPECT_TRUE(service_->authenticate(renewed->access_token).ok());
  auto bob = service_->verify_email(kCaller, "bob@example.org", pending_code);
  EXPECT_TRUE(bob.ok()) << bob.error().message;
  auto chain = verify_audit(*pool_, ring);
  ASSERT_TRUE(chain.ok());
  EXPECT_FALSE(chain->first_broken_id) << chain->problem;

  ASSERT_TRUE(ring.retire(old_id, false).ok());
  service_ = std::make_unique<IdentityService>(*pool_, ring, options);
  auto refused = service_->authenticate(second->tokens->access_token);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kUnauthenticated);
  EXPECT_FALSE(service_->refresh(kCaller, second->tokens->refresh_token).ok());
  EXPECT_TRUE(service_->authenticate(renewed->access_token).ok());
  EXPECT_FALSE(verify_audit(*pool_, ring)->first_broken_id);  // audit-only still verifies
}

INSTANTIATE_TEST_SUITE_P(Dialects, IdentityServiceTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgresql),
                         db::testing::dialect_name);

}  // namespace
}  // namespace vitalis::identity
