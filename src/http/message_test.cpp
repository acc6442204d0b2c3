// Request helpers and the JSON error body.
#include "http/message.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace vitalis::http {
namespace {

Request json_request(std::string_view content_type, std::string body) {
  Request request;
  request.headers.push_back({"content-type", content_type});
  request.body = std::move(body);
  return request;
}

TEST(RequestTest, JsonChecksContentTypeEmptinessAndSyntax) {
  EXPECT_TRUE(json_request("application/json", R"({"a":1})").json().ok());
  EXPECT_TRUE(json_request("Application/JSON; charset=utf-8", "[1]").json().ok());
  auto wrong_type = json_request("text/plain", "{}").json();
  ASSERT_FALSE(wrong_type.ok());
  EXPECT_EQ(wrong_type.error().code, ErrorCode::kUnsupportedMediaType);
  auto empty = json_request("application/json", "").json();
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code, ErrorCode::kMalformed);
  auto broken = json_request("application/json", "{\"a\":").json();
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.error().field, "body");
}

TEST(RequestTest, QueryParamsAreDecoded) {
  Request request;
  request.query = "name=Ana+Mar%C3%ADa&limit=5&flag&bad=%zz";
  EXPECT_EQ(*request.query_param("name"), "Ana María");
  EXPECT_EQ(*request.query_param("limit"), "5");
  EXPECT_EQ(*request.query_param("flag"), "");
  ASSERT_TRUE(request.query_param("missing").ok());
  EXPECT_FALSE(*request.query_param("missing"));
  auto bad = request.query_param("bad");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kMalformed);
  EXPECT_EQ(bad.error().field, "bad");
}

TEST(RequestTest, QueryParamsMustBeText) {
  Request request;
  request.query = "a=%00&b=%C3%28&c=caf%C3%A9&d=%ED%A0%80&e=%0A";
  EXPECT_FALSE(request.query_param("a").ok());  // NUL
  EXPECT_FALSE(request.query_param("b").ok());  // broken UTF-8
  EXPECT_EQ(**request.query_param("c"), "café");
  EXPECT_FALSE(request.query_param("d").ok());  // surrogate
  EXPECT_FALSE(request.query_param("e").ok());  // newline
}

TEST(PercentDecodeTest, RejectsTruncatedAndInvalidEscapes) {
  EXPECT_EQ(percent_decode("a%2Fb"), "a/b");
  EXPECT_FALSE(percent_decode("%"));
  EXPECT_FALSE(percent_decode("%4"));
  EXPECT_FALSE(percent_decode("%zz"));
}

TEST(ResponseTest, ErrorBodyFollowsTheErrorModel) {
  Response response = Response::error(Error::validation("glucose", "must be positive"));
  EXPECT_EQ(response.status, 422);
  EXPECT_EQ(response.content_type, "application/json");
  auto body = boost::json::parse(response.body);
  EXPECT_EQ(body.at("error").at("code"), "validation_failed");
  EXPECT_EQ(body.at("error").at("field"), "glucose");
  EXPECT_EQ(body.at("error").at("message"), "must be positive");
}

TEST(ResponseTest, AnErrorMayCarryMoreDetailsAfterCodeAndMessage) {
  Response response =
      Response::error(Error::conflict("Not prescribed"), {{"conflicts", boost::json::array{1, 2}}});
  EXPECT_EQ(response.status, 409);
  EXPECT_EQ(response.body,
            R"({"error":{"code":"conflict","message":"Not prescribed","conflicts":[1,2]}})");
}

}  // namespace
}  // namespace vitalis::http
