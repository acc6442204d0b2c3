// The email templates and a tiny {{variable}} renderer. Subjects are fixed text: they show on
// lock screens and in mail server logs, so they carry no names, codes or health data.
#include "notify/templates.hpp"

#include <array>

namespace vitalis::notify {

namespace {

struct Template {
  std::string_view kind;
  std::string_view subject;
  std::string_view text;  // plain text; {{var}} replaced verbatim
  std::string_view html;  // the inside of the HTML layout; {{var}} replaced HTML-escaped
};

constexpr std::string_view kTextFooter =
    "\n\n-- \nVitalis\nThis message was sent automatically; replies are not read.\n";

constexpr std::string_view kHtmlHeader =
    "<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\">"
    "<meta name=\"viewport\" content=\"width=device-width\"><title>Vitalis</title></head>\n"
    "<body style=\"margin:0;padding:24px;background:#f4f6f8;"
    "font-family:Helvetica,Arial,sans-serif;color:#1f2933;line-height:1.5\">\n"
    "<div style=\"max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;"
    "padding:32px\">\n"
    "<p style=\"margin:0 0 24px;font-size:20px;font-weight:bold;color:#0b6e4f\">Vitalis</p>\n";

constexpr std::string_view kHtmlFooter =
    "<p style=\"margin:32px 0 0;font-size:12px;color:#7b8794\">This message was sent "
    "automatically; replies are not read.</p>\n</div>\n</body>\n</html>\n";

#define VITALIS_CODE_BLOCK                                                       \
  "<p style=\"margin:24px 0;font-size:32px;letter-spacing:6px;font-weight:bold;" \
  "font-family:Menlo,Consolas,monospace\">{{code}}</p>\n"

constexpr std::array<Template, 7> kTemplates = {{
    {"verify_email", "Confirm your email address for Vitalis",
     "Hello {{name}},\n\n"
     "Welcome to Vitalis. To confirm your email address, enter this code in the app:\n\n"
     "    {{code}}\n\n"
     "The code works for {{minutes}} minutes. If you did not create a Vitalis account, you can "
     "ignore this message: nothing happens without the code.",
     "<p>Hello {{name}},</p>\n"
     "<p>Welcome to Vitalis. To confirm your email address, enter this code in the app:</p>\n"  //
     VITALIS_CODE_BLOCK
     "<p>The code works for {{minutes}} minutes. If you did not create a Vitalis account, you "
     "can ignore this message: nothing happens without the code.</p>\n"},
    {"password_reset", "Reset your Vitalis password",
     "Hello {{name}},\n\n"
     "Someone asked to reset the password of your Vitalis account. To choose a new password, "
     "enter this code in the app:\n\n"
     "    {{code}}\n\n"
     "The code works for {{minutes}} minutes. If it was not you, ignore this message: your "
     "password stays as it is.",
     "<p>Hello {{name}},</p>\n"
     "<p>Someone asked to reset the password of your Vitalis account. To choose a new "
     "password, enter this code in the app:</p>\n" VITALIS_CODE_BLOCK
     "<p>The code works for {{minutes}} minutes. If it was not you, ignore this message: your "
     "password stays as it is.</p>\n"},
    {"consent_request", "A doctor asks for your consent on Vitalis",
     "Hello {{name}},\n\n"
     "{{doctor}} asks for your permission to update your medical record on Vitalis. If you "
     "agree, give this code to {{doctor}}, or approve the request in the app:\n\n"
     "    {{code}}\n\n"
     "The code works for {{minutes}} minutes. If you do not agree, do nothing: without the code "
     "no change can be made. You can see and revoke every permission in the app.",
     "<p>Hello {{name}},</p>\n"
     "<p>{{doctor}} asks for your permission to update your medical record on Vitalis. If you "
     "agree, give this code to {{doctor}}, or approve the request in the app:</p>\n"  //
     VITALIS_CODE_BLOCK
     "<p>The code works for {{minutes}} minutes. If you do not agree, do nothing: without the "
     "code no change can be made. You can see and revoke every permission in the app.</p>\n"},
    {"doctor_approved", "Your Vitalis doctor account is approved",
     "Hello {{name}},\n\n"
     "Good news: an administrator has approved your doctor account. You can now sign in to "
     "Vitalis and see the patients who share their records with you.",
     "<p>Hello {{name}},</p>\n"
     "<p>Good news: an administrator has approved your doctor account. You can now sign in to "
     "Vitalis and see the patients who share their records with you.</p>\n"},
    {"alert_raised", "A new alert on Vitalis",
     "Hello,\n\n"
     "There is a new alert for one of your patients on Vitalis. Sign in to view it:\n\n"
     "    {{link}}\n\n"
     "For privacy, this message does not say who or what it is about.",
     "<p>Hello,</p>\n"
     "<p>There is a new alert for one of your patients on Vitalis. Sign in to view it:</p>\n"
     "<p><a href=\"{{link}}\">{{link}}</a></p>\n"
     "<p>For privacy, this message does not say who or what it is about.</p>\n"},
    {"alert_patient", "Something in your Vitalis record needs attention",
     "Hello,\n\n"
     "A new entry in your health record needs attention. Sign in to see it and what to do:\n\n"
     "    {{link}}\n\n"
     "For privacy, this message does not say what it is about. If you feel unwell, do not wait "
     "for the app: call your doctor, or your emergency number in an emergency.",
     "<p>Hello,</p>\n"
     "<p>A new entry in your health record needs attention. Sign in to see it and what to "
     "do:</p>\n"
     "<p><a href=\"{{link}}\">{{link}}</a></p>\n"
     "<p>For privacy, this message does not say what it is about. If you feel unwell, do not "
     "wait for the app: call your doctor, or your emergency number in an emergency.</p>\n"},
    {"test_message", "Vitalis test message",
     "Hello,\n\n"
     "This is a test message from Vitalis. If you are reading it, the mail settings work.",
     "<p>Hello,</p>\n"
     "<p>This is a test message from Vitalis. If you are reading it, the mail settings "
     "work.</p>\n"},
}};

#undef VITALIS_CODE_BLOCK

// Replaces each {{var}}; a variable the caller did not give is an error naming it.
Result<std::string> substitute(std::string_view kind, std::string_view source,
                               const std::map<std::string, std::string>& vars, bool escape) {
  std::string out;
  out.reserve(source.size() + 64);
  std::size_t pos = 0;
  while (pos < source.size()) {
    auto open = source.find("{{", pos);
    if (open == std::string_view::npos) {
      out.append(source.substr(pos));
      break;
    }
    auto close = source.find("}}", open + 2);
    out.append(source.substr(pos, open - pos));
    std::string name(source.substr(open + 2, close - open - 2));
    auto found = vars.find(name);
    if (found == vars.end()) {
      return Error{ErrorCode::kInternal,
                   "email template '" + std::string(kind) + "' needs variable '" + name + "'",
                   {}};
    }
    out += escape ? html_escape(found->second) : found->second;
    pos = close + 2;
  }
  return out;
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(ch);
    }
  }
  return out;
}

Result<Message> render(std::string_view kind, const std::map<std::string, std::string>& vars,
                       std::string to) {
  for (const auto& tmpl : kTemplates) {
    if (tmpl.kind != kind) continue;
    auto text = substitute(kind, tmpl.text, vars, false);
    if (!text.ok()) return text.error();
    auto html = substitute(kind, tmpl.html, vars, true);
    if (!html.ok()) return html.error();
    Message message;
    message.to = std::move(to);
    message.subject = std::string(tmpl.subject);
    message.text = *text + std::string(kTextFooter);
    message.html = std::string(kHtmlHeader) + *html + std::string(kHtmlFooter);
    message.kind = std::string(kind);
    return message;
  }
  return Error{ErrorCode::kInternal, "unknown email template '" + std::string(kind) + "'", {}};
}

}  // namespace vitalis::notify
