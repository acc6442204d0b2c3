// Per-address budgets declared on routes (Guard::limited): the routes that had one still declare
// it (the route table shows it, so it cannot be dropped silently); the capability spends it
// once the input is well formed (spend_address_budget), so malformed input costs nothing and
// keeps its own answer, a wrong one-time code costs, and a spent budget answers 429 with
// Retry-After; a caller the rule turned away is not charged; a handler that forgot to spend is
// charged afterwards. On SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>
#include <utility>

#include "db/testing.hpp"
#include "identity/internal.hpp"
#include "identity/policy.hpp"
#include "identity/routes.hpp"
#include "identity/service.hpp"

namespace vitalis::identity {
namespace {

using http::Method;
using std::chrono::seconds;

class AddressLimitTest : public db::testing::MigratedTest {
 protected:
  void SetUp() override {
    MigratedTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    init_crypto();
    IdentityOptions options;
    options.password_cost = PasswordCost{1, 8u * 1024 * 1024};
    service_ = std::make_unique<IdentityService>(*pool_, SecretKey::generate(), options);
    add_identity_routes(router_, *service_);
  }

  const http::Route* route(Method method, std::string_view pattern) const {
    for (const auto& candidate : router_.routes()) {
      if (candidate->method == method && candidate->pattern == pattern) return candidate.get();
    }
    return nullptr;
  }

  // One JSON POST from `address` through the route's whole middleware chain.
  http::Response post(const http::Route& route, const std::string& address, std::string body,
                      std::string_view content_type = "application/json") {
    http::Request request;
    request.method = Method::kPost;
    request.route = route.pattern;
    request.client_address = address;
    request.body = std::move(body);
    request.headers.push_back({"Content-Type", content_type});
    return route.handler(request);
  }

  std::unique_ptr<IdentityService> service_;
  http::Router router_;
};

TEST_P(AddressLimitTest, TheRoutesWithAPerAddressBudgetStillDeclareIt) {
  // Every per-address budget that moved out of the capabilities onto its route. A route losing
  // its declaration (or a new one gaining one) fails here.
  const std::map<std::pair<Method, std::string>, std::string> declared = {
      {{Method::kPost, "/api/v1/auth/signup/patient"}, "signup:ip 20 per 3600 s"},
      {{Method::kPost, "/api/v1/auth/signup/doctor"}, "signup:ip 20 per 3600 s"},
      {{Method::kPost, "/api/v1/auth/signin"}, "signin:ip 30 per 600 s"},
      {{Method::kPost, "/api/v1/auth/resend-verification"}, "resend:ip 20 per 3600 s"},
      {{Method::kPost, "/api/v1/auth/password-reset/request"}, "reset:ip 10 per 3600 s"},
      {{Method::kPost, "/api/v1/auth/verify-email"}, "otp:ip 30 per 600 s"},
      {{Method::kPost, "/api/v1/auth/password-reset/confirm"}, "otp:ip 30 per 600 s"},
      {{Method::kPost, "/api/v1/auth/claim"}, "otp:ip 30 per 600 s"},
      {{Method::kPost, "/api/v1/me/email/confirm"}, "otp:ip 30 per 600 s"},
      {{Method::kPost, "/api/v1/write-grants/{grant_id}/confirm"}, "otp:ip 30 per 600 s"},
      {{Method::kPost, "/api/v1/auth/second-factor"}, "second-factor:ip 30 per 600 s"},
  };
  for (const auto& [key, limit] : declared) {
    const http::Route* found = route(key.first, key.second);
    ASSERT_NE(found, nullptr) << key.second;
    EXPECT_EQ(found->options.rate_limit, limit) << key.second;
  }
  for (const auto& each : router_.routes()) {
    if (each->options.rate_limit.empty()) continue;
    EXPECT_TRUE(declared.contains({each->method, each->pattern}))
        << each->pattern << " declares " << each->options.rate_limit << ": list it above";
  }
}

TEST_P(AddressLimitTest, InvalidInputCostsNothingAndTheSpentBudgetIsRefusedWithRetryAfter) {
  const http::Route* reset = route(Method::kPost, "/api/v1/auth/password-reset/request");
  ASSERT_NE(reset, nullptr);
  const std::string address = "192.0.2.31";
  // Malformed (415, 400) and invalid (422) requests, more than the budget: none is refused.
  for (int i = 0; i < 12; ++i) {
    EXPECT_EQ(post(*reset, address, R"({"email":"a@b.org"})", "text/plain").status, 415);
    EXPECT_EQ(post(*reset, address, "{not json").status, 400);
    EXPECT_EQ(post(*reset, address, R"({"email":"not an address"})").status, 422);
  }
  // Ten accepted requests (each for its own email: the per-email budget is 3) spend it.
  for (int i = 0; i < 10; ++i) {
    std::string body = R"({"email":"person)" + std::to_string(i) + R"(@example.org"})";
    EXPECT_EQ(post(*reset, address, body).status, 202) << i;
  }
  http::Response refused = post(*reset, address, R"({"email":"late@example.org"})");
  EXPECT_EQ(refused.status, 429);
  EXPECT_NE(refused.body.find("\"rate_limited\""), std::string::npos) << refused.body;
  int retry_after = std::stoi(std::string(refused.header("Retry-After")));
  EXPECT_GT(retry_after, 0);
  EXPECT_LE(retry_after, 3600);
  // Malformed input still gets its own answer once the budget is spent, as before the budget
  // moved onto the route.
  EXPECT_EQ(post(*reset, address, "{not json").status, 400);
  EXPECT_EQ(post(*reset, address, R"({"email":"not an address"})").status, 422);
  // Another address has its own budget.
  EXPECT_EQ(post(*reset, "192.0.2.32", R"({"email":"late@example.org"})").status, 202);
}

TEST_P(AddressLimitTest, AWrongCodeCostsButAMalformedCheckDoesNot) {
  const http::Route* verify = route(Method::kPost, "/api/v1/auth/verify-email");
  ASSERT_NE(verify, nullptr);
  const std::string address = "192.0.2.34";
  // Refused before any code is checked (no code; not an email address): free, past the budget.
  for (int i = 0; i < 35; ++i) {
    EXPECT_EQ(post(*verify, address, R"({"email":"a@example.org"})").status, 422);
    EXPECT_EQ(post(*verify, address, R"({"email":"nobody","code":"123456"})").status, 422);
  }
  // A well-formed check of a wrong code also answers 422, and costs: 30 per 10 minutes. (Each
  // for its own email, so the per-email lock-out after five failures does not answer first.)
  for (int i = 0; i < 30; ++i) {
    std::string body =
        R"({"email":"nobody)" + std::to_string(i) + R"(@example.org","code":"123456"})";
    EXPECT_EQ(post(*verify, address, body).status, 422) << i;
  }
  http::Response refused = post(*verify, address, R"({"email":"last@example.org","code":"1"})");
  EXPECT_EQ(refused.status, 429);
  EXPECT_FALSE(refused.header("Retry-After").empty());
}

TEST_P(AddressLimitTest, ACallerTheRuleTurnsAwayIsNotCharged) {
  http::RouteOptions options =
      guarded(Rule::kSignedIn, *service_).limited("test:ip", 1, seconds(600));
  EXPECT_EQ(options.rate_limit, "test:ip 1 per 600 s");
  ASSERT_EQ(options.middleware.size(), 1u);
  bool ran = false;
  http::Handler handler = [&](http::Request&) {
    ran = true;
    return http::Response::json(200, {});
  };
  for (int i = 0; i < 3; ++i) {
    http::Request request;
    request.client_address = "192.0.2.33";
    EXPECT_EQ(options.middleware[0](request, handler).status, 401);
  }
  EXPECT_FALSE(ran);
  // The budget of one is still whole.
  EXPECT_TRUE(service_->rate_limiter().hit("test:ip:192.0.2.33", 1, seconds(600)).ok());
  EXPECT_FALSE(service_->rate_limiter().hit("test:ip:192.0.2.33", 1, seconds(600)).ok());
}

TEST_P(AddressLimitTest, TheCapabilitySpendsTheBudgetAndAForgottenSpendIsChargedAfterwards) {
  http::RouteOptions options =
      guarded(Rule::kPublic, *service_).limited("test:ip", 2, seconds(600));
  ASSERT_EQ(options.middleware.size(), 1u);
  auto call = [&](const std::string& address, const http::Handler& handler) {
    http::Request request;
    request.client_address = address;
    return options.middleware[0](request, handler);
  };
  // A capability that spends: the third call is refused by the spend, before its work.
  int worked = 0;
  http::Handler spending = [&](http::Request&) {
    if (auto ok = spend_address_budget(); !ok.ok()) return http::Response::error(ok.error());
    EXPECT_TRUE(spend_address_budget().ok()) << "a second spend in one request is free";
    ++worked;
    return http::Response::json(200, {});
  };
  EXPECT_EQ(call("192.0.2.40", spending).status, 200);
  EXPECT_EQ(call("192.0.2.40", spending).status, 200);
  EXPECT_EQ(call("192.0.2.40", spending).status, 429);
  EXPECT_EQ(worked, 2);
  // A handler that never spends still has its successful calls counted.
  http::Handler forgetful = [](http::Request&) { return http::Response::json(200, {}); };
  EXPECT_EQ(call("192.0.2.41", forgetful).status, 200);
  EXPECT_EQ(call("192.0.2.41", forgetful).status, 200);
  EXPECT_FALSE(service_->rate_limiter().hit("test:ip:192.0.2.41", 2, seconds(600)).ok());
  // Outside a route with a budget, spending is free.
  EXPECT_TRUE(spend_address_budget().ok());
}

TEST(AddressKey, IPv6IsLimitedPerSlash64AndIPv4PerAddress) {
  EXPECT_EQ(address_key("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::/64");
  EXPECT_EQ(address_key("2001:0db8:0001:0002::1"), "2001:db8:1:2::/64");
  EXPECT_EQ(address_key("fe80::1%eth0"), "fe80::/64");
  EXPECT_EQ(address_key("::1"), "::/64");
  EXPECT_NE(address_key("2001:db8:1:3::1"), address_key("2001:db8:1:2::1"));
  EXPECT_EQ(address_key("192.0.2.7"), "192.0.2.7");
  EXPECT_EQ(address_key("::ffff:192.0.2.7"), "192.0.2.7");
  EXPECT_EQ(address_key("cli"), "cli");
  EXPECT_EQ(address_key(""), "");
}

TEST_P(AddressLimitTest, AddressesOfOneIPv6Slash64ShareABudget) {
  const http::Route* reset = route(Method::kPost, "/api/v1/auth/password-reset/request");
  ASSERT_NE(reset, nullptr);
  // Ten requests, each from another address of one /64 (and for its own email): the budget of
  // ten per hour is spent, so an eleventh address of the same /64 is refused.
  for (int i = 0; i < 10; ++i) {
    std::string body = R"({"email":"rotate)" + std::to_string(i) + R"(@example.org"})";
    EXPECT_EQ(post(*reset, "2001:db8:7:7::" + std::to_string(i + 1), body).status, 202) << i;
  }
  EXPECT_EQ(post(*reset, "2001:db8:7:7:ffff::99", R"({"email":"late@example.org"})").status, 429);
  // The next /64 has its own budget.
  EXPECT_EQ(post(*reset, "2001:db8:7:8::1", R"({"email":"late@example.org"})").status, 202);
}

TEST_P(AddressLimitTest, APublicRouteWithoutABudgetChargesNothing) {
  http::RouteOptions options = guarded(Rule::kPublic, *service_);
  EXPECT_TRUE(options.rate_limit.empty());
  EXPECT_TRUE(options.middleware.empty());
}

INSTANTIATE_TEST_SUITE_P(Dialects, AddressLimitTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgresql),
                         db::testing::dialect_name);

}  // namespace
}  // namespace vitalis::identity
