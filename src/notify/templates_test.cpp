// Templates: every kind renders both parts, escapes HTML, and keeps codes out of the subject.
#include "notify/templates.hpp"

#include <gtest/gtest.h>

namespace vitalis::notify {
namespace {

using Vars = std::map<std::string, std::string>;

TEST(TemplatesTest, RendersEveryKindWithBothParts) {
  const Vars all = {{"name", "Ada"},
                    {"code", "482913"},
                    {"minutes", "10"},
                    {"doctor", "Dr Who"},
                    {"link", "https://vitalis.example/verify#code=482913"},
                    {"why", "Dr Who registered you."},
                    {"valid_for", "3 days"},
                    {"who", "Dr Who (a doctor)"},
                    {"reason", "licence not found"},
                    {"new_email", "a***@example.org"},
                    {"centre", "North Lab"},
                    {"address", "2 Low St, Leeds"},
                    {"when", "Mon 14 Dec 2026, 10:00 (Europe/London)"},
                    {"token", "K7RX-M4PD"},
                    {"where", "Vitalis Demo Clinic, 12 Clerkenwell Road, London"},
                    {"order", "#1042"},
                    {"total", "GBP 12.40"},
                    {"next", "We will tell you when it is ready."},
                    {"from", "Dr Who"}};
  for (auto kind : {"verify_email",
                    "password_reset",
                    "consent_request",
                    "doctor_approved",
                    "test_message",
                    "account_claim",
                    "access_request",
                    "emergency_access",
                    "doctor_rejected",
                    "email_change_code",
                    "email_changed",
                    "test_booked",
                    "test_reminder",
                    "appointment_booked",
                    "appointment_moved",
                    "appointment_cancelled",
                    "appointment_reminder",
                    "pharmacy_order_placed",
                    "pharmacy_order_ready",
                    "pharmacy_order_dispatched",
                    "pharmacy_order_cancelled",
                    "chat_unread"}) {
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

// Every identity email carries a link to the page of the web app where the person acts on it,
// in both parts, and the code (when there is one) comes before the link in the text.
TEST(TemplatesTest, AccountEmailsLinkToTheirPage) {
  const Vars vars = {{"name", "Ada"},
                     {"code", "482913"},
                     {"minutes", "10"},
                     {"doctor", "Dr Who"},
                     {"link", "https://v.example/page#a=1&b=2"},
                     {"why", "Because."},
                     {"valid_for", "3 days"},
                     {"who", "Dr Who"},
                     {"reason", "no licence"},
                     {"new_email", "a***@example.org"},
                     {"centre", "North Lab"},
                     {"address", "2 Low St, Leeds"},
                     {"when", "Mon 14 Dec 2026, 10:00 (Europe/London)"},
                     {"token", "K7RX-M4PD"},
                     {"where", "Vitalis Demo Clinic, 12 Clerkenwell Road, London"}};
  for (auto kind : {"verify_email", "password_reset", "consent_request", "doctor_approved",
                    "account_claim", "access_request", "emergency_access", "doctor_rejected",
                    "email_change_code", "email_changed"}) {
    auto message = render(kind, vars, "ada@example.org");
    ASSERT_TRUE(message.ok()) << kind << ": " << message.error().message;
    auto link = message->text.find("https://v.example/page#a=1&b=2");
    EXPECT_NE(link, std::string::npos) << kind;
    EXPECT_NE(message->html.find("href=\"https://v.example/page#a=1&amp;b=2\""), std::string::npos)
        << kind;
    auto code = message->text.find("482913");
    if (code != std::string::npos) {
      EXPECT_LT(code, link) << kind;
    }
  }
  auto missing = render("access_request", {{"name", "Ada"}, {"doctor", "Dr Who"}}, "a@b.org");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("'link'"), std::string::npos);
}

TEST(TemplatesTest, EscapesVariablesInHtmlOnly) {
  Vars vars = {{"name", "<script>alert('x')</script> & co"}, {"link", "https://v.example/"}};
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
