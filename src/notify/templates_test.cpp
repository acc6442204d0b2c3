// Templates: every kind renders both parts, escapes HTML, and keeps codes out of the subject.
#include "notify/templates.hpp"

#include <gtest/gtest.h>

namespace vitalis::notify {
namespace {

using Vars = std::map<std::string, std::string>;

TEST(TemplatesTest, RendersEveryKindWithBothParts) {
  const Vars all = {{"name", "Ada"}, {"code", "482913"}, {"minutes", "10"}, {"doctor", "Dr Who"}};
  for (auto kind :
       {"verify_email", "password_reset", "consent_request", "doctor_approved", "test_message"}) {
    auto message = render(kind, all, "ada@example.org");
    ASSERT_TRUE(message.ok()) << kind << ": " << message.error().message;
    EXPECT_EQ(message->kind, kind);
    EXPECT_EQ(message->to, "ada@example.org");
    EXPECT_FALSE(message->subject.empty());
    EXPECT_NE(message->html.find("<html"), std::string::npos);
    EXPECT_EQ(message->text.find("{{"), std::string::npos) << kind;
    EXPECT_EQ(message->html.find("{{"), std::string::npos) << kind;
    // Subjects show on lock screens: no code, no name.
    EXPECT_EQ(message->subject.find("482913"), std::string::npos) << kind;
    EXPECT_EQ(message->subject.find("Ada"), std::string::npos) << kind;
  }
  auto verify = render("verify_email", all, "ada@example.org");
  ASSERT_TRUE(verify.ok());
  EXPECT_NE(verify->text.find("Hello Ada,"), std::string::npos);
  EXPECT_NE(verify->text.find("482913"), std::string::npos);
  EXPECT_NE(verify->text.find("10 minutes"), std::string::npos);
  EXPECT_NE(verify->html.find(">482913</p>"), std::string::npos);
  auto consent = render("consent_request", all, "ada@example.org");
  ASSERT_TRUE(consent.ok());
  EXPECT_NE(consent->text.find("Dr Who asks"), std::string::npos);
}

TEST(TemplatesTest, EscapesVariablesInHtmlOnly) {
  Vars vars = {{"name", "<script>alert('x')</script> & co"}};
  auto message = render("doctor_approved", vars, "a@b.org");
  ASSERT_TRUE(message.ok());
  EXPECT_NE(message->text.find("Hello <script>alert('x')</script> & co,"), std::string::npos);
  EXPECT_EQ(message->html.find("<script>"), std::string::npos);
  EXPECT_NE(message->html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co"),
            std::string::npos);
  EXPECT_EQ(html_escape("\"a\""), "&quot;a&quot;");
}

TEST(TemplatesTest, UnknownKindOrMissingVariableIsAnError) {
  auto unknown = render("newsletter", {}, "a@b.org");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::kInternal);
  auto missing = render("verify_email", {{"name", "Ada"}, {"minutes", "10"}}, "a@b.org");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kInternal);
  EXPECT_NE(missing.error().message.find("'code'"), std::string::npos);
  EXPECT_TRUE(render("test_message", {}, "a@b.org").ok());
}

}  // namespace
}  // namespace vitalis::notify
