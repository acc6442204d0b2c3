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

// A button-like link; the address is also printed so it can be copied.
#define VITALIS_LINK(label)                                                                   \
  "<p style=\"margin:24px 0\"><a href=\"{{link}}\" style=\"background:#0b6e4f;color:#ffffff;" \
  "padding:10px 16px;border-radius:6px;text-decoration:none;font-weight:bold\">" label        \
  "</a></p>\n<p style=\"font-size:13px;color:#52606d\">{{link}}</p>\n"

#define VITALIS_CODE_BLOCK                                                       \
  "<p style=\"margin:24px 0;font-size:32px;letter-spacing:6px;font-weight:bold;" \
  "font-family:Menlo,Consolas,monospace\">{{code}}</p>\n"

constexpr std::array<Template, 7> kTemplates = {{
    {"verify_email", "Confirm your email address for Vitalis",
     "Hello {{name}},\n\n"
     "Welcome to Vitalis. To confirm your email address, enter this code in the app:\n\n"
     "    {{code}}\n\n"
     "or open this page, which fills it in for you:\n\n"
     "    {{link}}\n\n"
     "The code works for {{minutes}} minutes. If you did not create a Vitalis account, you can "
     "ignore this message: nothing happens without the code.",
     "<p>Hello {{name}},</p>\n"
     "<p>Welcome to Vitalis. To confirm your email address, enter this code in the app:</p>\n"  //
     VITALIS_CODE_BLOCK VITALIS_LINK(
         "Confirm my email address") "<p>The code works for {{minutes}} minutes. If you did not "
                                     "create a Vitalis account, you "
                                     "can ignore this message: nothing happens without the "
                                     "code.</p>\n"},
    {"password_reset", "Reset your Vitalis password",
     "Hello {{name}},\n\n"
     "Someone asked to reset the password of your Vitalis account. To choose a new password, "
     "enter this code in the app:\n\n"
     "    {{code}}\n\n"
     "or open this page, which fills it in for you:\n\n"
     "    {{link}}\n\n"
     "The code works for {{minutes}} minutes. If it was not you, ignore this message: your "
     "password stays as it is.",
     "<p>Hello {{name}},</p>\n"
     "<p>Someone asked to reset the password of your Vitalis account. To choose a new "
     "password, enter this code in the app:</p>\n" VITALIS_CODE_BLOCK VITALIS_LINK(
         "Choose a new password") "<p>The code works for {{minutes}} minutes. If it was not you, "
                                  "ignore this message: your "
                                  "password stays as it is.</p>\n"},
    {"consent_request", "A doctor asks for your consent on Vitalis",
     "Hello {{name}},\n\n"
     "{{doctor}} asks for your permission to update your medical record on Vitalis. If you "
     "agree, give this code to {{doctor}}, or approve the request in the app:\n\n"
     "    {{code}}\n\n"
     "Requests to add to your record are on your Access page:\n\n"
     "    {{link}}\n\n"
     "The code works for {{minutes}} minutes. If you do not agree, do nothing: without the code "
     "no change can be made. You can see and revoke every permission in the app.",
     "<p>Hello {{name}},</p>\n"
     "<p>{{doctor}} asks for your permission to update your medical record on Vitalis. If you "
     "agree, give this code to {{doctor}}, or approve the request in the app:</p>\n"  //
     VITALIS_CODE_BLOCK VITALIS_LINK(
         "See the request on your Access page") "<p>The code works for {{minutes}} minutes. If you "
                                                "do not agree, do nothing: without the "
                                                "code no change can be made. You can see and "
                                                "revoke every permission in the app.</p>\n"},
    {"doctor_approved", "Your Vitalis doctor account is approved",
     "Hello {{name}},\n\n"
     "Good news: an administrator has approved your doctor account. You can now sign in to "
     "Vitalis and see the patients who share their records with you:\n\n"
     "    {{link}}",
     "<p>Hello {{name}},</p>\n"
     "<p>Good news: an administrator has approved your doctor account. You can now sign in to "
     "Vitalis and see the patients who share their records with you.</p>\n"  //
     VITALIS_LINK("Sign in")},
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

// Account management and access to records (identity).
constexpr std::array<Template, 6> kAccessTemplates = {{
    {"account_claim", "Finish setting up your Vitalis account",
     "Hello {{name}},\n\n"
     "{{why}} To finish setting up your account, choose a password with this code:\n\n"
     "    {{code}}\n\n"
     "Open this page to do it (the code is filled in for you):\n\n"
     "    {{link}}\n\n"
     "The code works for {{valid_for}}. Until a password is chosen with it, nobody can sign in "
     "to the account. If you do not know what this is about, ignore this message.",
     "<p>Hello {{name}},</p>\n"
     "<p>{{why}} To finish setting up your account, choose a password with this code:</p>\n"  //
     VITALIS_CODE_BLOCK VITALIS_LINK(
         "Choose my password") "<p>The code works for {{valid_for}}. Until a password is chosen "
                               "with it, nobody can sign "
                               "in to the account. If you do not know what this is about, ignore "
                               "this message.</p>\n"},
    {"access_request", "A doctor asks to see your Vitalis record",
     "Hello {{name}},\n\n"
     "{{doctor}} asks to join your care team on Vitalis, which would let them read your record. "
     "Approve or decline on your Access page:\n\n"
     "    {{link}}\n\n"
     "Nothing is shared unless you approve, and you can remove a doctor at any time.",
     "<p>Hello {{name}},</p>\n"
     "<p>{{doctor}} asks to join your care team on Vitalis, which would let them read your "
     "record. Approve or decline on your Access page.</p>\n"  //
     VITALIS_LINK("Open my Access page") "<p>Nothing is shared unless you approve, and you can "
                                         "remove a doctor at any time.</p>\n"},
    {"emergency_access", "Your Vitalis record was opened in an emergency",
     "Hello {{name}},\n\n"
     "{{who}} used emergency access to read your Vitalis record. It lasts {{minutes}} minutes "
     "and is read-only. Who it was, when and the reason they gave are in your access log:\n\n"
     "    {{link}}\n\n"
     "If you think this was not right, contact your clinic.",
     "<p>Hello {{name}},</p>\n"
     "<p>{{who}} used emergency access to read your Vitalis record. It lasts {{minutes}} "
     "minutes and is read-only. Who it was, when and the reason they gave are in your access "
     "log.</p>\n"  //
     VITALIS_LINK(
         "See my access log") "<p>If you think this was not right, contact your clinic.</p>\n"},
    {"doctor_rejected", "About your Vitalis doctor account",
     "Hello {{name}},\n\n"
     "An administrator did not approve your doctor account. The reason given:\n\n"
     "    {{reason}}\n\n"
     "You cannot sign in as a doctor with this account. If you think this is a mistake, reply "
     "to your clinic's administrator with the details. Signing in shows the same reason:\n\n"
     "    {{link}}",
     "<p>Hello {{name}},</p>\n"
     "<p>An administrator did not approve your doctor account. The reason given:</p>\n"
     "<blockquote style=\"margin:16px 0;padding-left:12px;border-left:3px solid #9aa5b1\">"
     "{{reason}}</blockquote>\n"
     "<p>You cannot sign in as a doctor with this account. If you think this is a mistake, "
     "contact your clinic's administrator with the details. Signing in shows the same "
     "reason.</p>\n"  //
     VITALIS_LINK("Go to sign in")},
    {"email_change_code", "Confirm your new email address for Vitalis",
     "Hello {{name}},\n\n"
     "You asked to use this address for your Vitalis account. To confirm it, enter this code on "
     "your Account page:\n\n"
     "    {{code}}\n\n"
     "or open this page while signed in (the code is filled in for you):\n\n"
     "    {{link}}\n\n"
     "The code works for {{minutes}} minutes. If you did not ask for this, ignore this "
     "message: your account keeps its current address.",
     "<p>Hello {{name}},</p>\n"
     "<p>You asked to use this address for your Vitalis account. To confirm it, enter this code "
     "on your Account page:</p>\n"  //
     VITALIS_CODE_BLOCK VITALIS_LINK(
         "Confirm my new address") "<p>The code works for {{minutes}} minutes. If you did not ask "
                                   "for this, ignore this "
                                   "message: your account keeps its current address.</p>\n"},
    {"email_changed", "Your Vitalis email address was changed",
     "Hello {{name}},\n\n"
     "The email address of your Vitalis account was changed to {{new_email}}. Messages will go "
     "there from now on.\n\n"
     "If you did not do this, contact your clinic's administrator at once: they can disable "
     "the account. Sign-in page:\n\n"
     "    {{link}}",
     "<p>Hello {{name}},</p>\n"
     "<p>The email address of your Vitalis account was changed to {{new_email}}. Messages will "
     "go there from now on.</p>\n"
     "<p>If you did not do this, contact your clinic's administrator at once: they can disable "
     "the account.</p>\n"  //
     VITALIS_LINK("Go to sign in")},
}};

// Scheduling (care). What is booked stays out of the mail (a test's name is health data): the
// place, the time and the token, and the app for the rest.
constexpr std::array<Template, 6> kCareTemplates = {{
    {"appointment_booked", "Your Vitalis appointment is booked",
     "Hello {{name}},\n\n"
     "Your appointment with {{doctor}} is booked.\n\n"
     "    When: {{when}}\n"
     "    Where: {{where}}\n\n"
     "The calendar entry is attached. To change or cancel the appointment, open the app:\n\n"
     "    {{link}}",
     "<p>Hello {{name}},</p>\n"
     "<p>Your appointment with {{doctor}} is booked.</p>\n"
     "<p>When: {{when}}<br>\nWhere: {{where}}</p>\n"
     "<p>The calendar entry is attached. To change or cancel the appointment, open the "
     "app:</p>\n"  //
     VITALIS_LINK("Open my appointments")},
    {"appointment_moved", "Your Vitalis appointment has moved",
     "Hello {{name}},\n\n"
     "Your appointment with {{doctor}} has moved. The new time:\n\n"
     "    When: {{when}}\n"
     "    Where: {{where}}\n\n"
     "The attached calendar entry replaces the old one. The app has the details:\n\n"
     "    {{link}}",
     "<p>Hello {{name}},</p>\n"
     "<p>Your appointment with {{doctor}} has moved. The new time:</p>\n"
     "<p>When: {{when}}<br>\nWhere: {{where}}</p>\n"
     "<p>The attached calendar entry replaces the old one. The app has the details:</p>\n"  //
     VITALIS_LINK("Open my appointments")},
    {"appointment_cancelled", "Your Vitalis appointment is cancelled",
     "Hello {{name}},\n\n"
     "Your appointment with {{doctor}} on {{when}} is cancelled. The attached calendar entry "
     "removes it from your calendar. To book another time, open the app:\n\n"
     "    {{link}}",
     "<p>Hello {{name}},</p>\n"
     "<p>Your appointment with {{doctor}} on {{when}} is cancelled. The attached calendar entry "
     "removes it from your calendar. To book another time, open the app:</p>\n"  //
     VITALIS_LINK("Book another time")},
    {"appointment_reminder", "Reminder: your Vitalis appointment",
     "Hello {{name}},\n\n"
     "A reminder of your appointment with {{doctor}}.\n\n"
     "    When: {{when}}\n"
     "    Where: {{where}}\n\n"
     "If you cannot come, please cancel in the app so that someone else can have the time:\n\n"
     "    {{link}}",
     "<p>Hello {{name}},</p>\n"
     "<p>A reminder of your appointment with {{doctor}}.</p>\n"
     "<p>When: {{when}}<br>\nWhere: {{where}}</p>\n"
     "<p>If you cannot come, please cancel in the app so that someone else can have the "
     "time:</p>\n"  //
     VITALIS_LINK("Open my appointments")},
    {"test_reminder", "Reminder: your Vitalis booking",
     "Hello {{name}},\n\n"
     "A reminder of your booking.\n\n"
     "    Where: {{centre}}, {{address}}\n"
     "    When: {{when}} (arrive within that hour)\n"
     "    Booking token: {{token}}\n\n"
     "How to prepare is in the app. If you cannot come, please cancel there so that someone "
     "else can have the place:\n\n"
     "    {{link}}",
     "<p>Hello {{name}},</p>\n"
     "<p>A reminder of your booking.</p>\n"
     "<p>Where: {{centre}}, {{address}}<br>\nWhen: {{when}} (arrive within that hour)<br>\n"
     "Booking token: <strong>{{token}}</strong></p>\n"
     "<p>How to prepare is in the app. If you cannot come, please cancel there so that someone "
     "else can have the place:</p>\n"  //
     VITALIS_LINK("Open my bookings")},
    {"test_booked", "Your Vitalis booking is confirmed",
     "Hello {{name}},\n\n"
     "Your booking is confirmed.\n\n"
     "    Where: {{centre}}, {{address}}\n"
     "    When: {{when}} (arrive within that hour)\n"
     "    Booking token: {{token}}\n\n"
     "Show the token when you arrive. What was booked, and how to prepare for it, are in the "
     "app:\n\n"
     "    {{link}}\n\n"
     "To cancel, open the booking in the app: the place goes to someone else.",
     "<p>Hello {{name}},</p>\n"
     "<p>Your booking is confirmed.</p>\n"
     "<p>Where: {{centre}}, {{address}}<br>\nWhen: {{when}} (arrive within that hour)</p>\n"
     "<p>Booking token:</p>\n"
     "<p style=\"margin:8px 0 24px;font-size:28px;letter-spacing:4px;font-weight:bold;"
     "font-family:Menlo,Consolas,monospace\">{{token}}</p>\n"
     "<p>Show the token when you arrive. What was booked, and how to prepare for it, are in the "
     "app:</p>\n"  //
     VITALIS_LINK("Open my bookings") "<p>To cancel, open the booking in the app: the place goes "
                                      "to someone else.</p>\n"},
}};

// Pharmacy. What was ordered is health data: the mail says the order's number, its total and
// what happens next; the app shows the medicines.
constexpr std::array<Template, 4> kPharmacyTemplates = {{
    {"pharmacy_order_placed", "Your Vitalis order is placed",
     "Hello {{name}},\n\n"
     "We have your order {{order}} ({{total}}). {{next}}\n\n"
     "What you ordered, and its progress, are in the app:\n\n"
     "    {{link}}",
     "<p>Hello {{name}},</p>\n"
     "<p>We have your order {{order}} ({{total}}). {{next}}</p>\n"
     "<p>What you ordered, and its progress, are in the app:</p>\n"  //
     VITALIS_LINK("Open my orders")},
    {"pharmacy_order_ready", "Your Vitalis order is ready to collect",
     "Hello {{name}},\n\n"
     "Your order {{order}} is ready to collect at the pharmacy. Pay when you collect it "
     "({{total}}).\n\n"
     "    {{link}}",
     "<p>Hello {{name}},</p>\n"
     "<p>Your order {{order}} is ready to collect at the pharmacy. Pay when you collect it "
     "({{total}}).</p>\n"  //
     VITALIS_LINK("Open my orders")},
    {"pharmacy_order_dispatched", "Your Vitalis order is on its way",
     "Hello {{name}},\n\n"
     "Your order {{order}} has been sent to the address you gave. Pay on delivery "
     "({{total}}).\n\n"
     "    {{link}}",
     "<p>Hello {{name}},</p>\n"
     "<p>Your order {{order}} has been sent to the address you gave. Pay on delivery "
     "({{total}}).</p>\n"  //
     VITALIS_LINK("Open my orders")},
    {"pharmacy_order_cancelled", "Your Vitalis order is cancelled",
     "Hello {{name}},\n\n"
     "Your order {{order}} is cancelled; nothing will be charged. The app says why:\n\n"
     "    {{link}}",
     "<p>Hello {{name}},</p>\n"
     "<p>Your order {{order}} is cancelled; nothing will be charged. The app says why:</p>\n"  //
     VITALIS_LINK("Open my orders")},
}};

// Chat. A message is health data: the mail says who wrote, never what.
constexpr std::array<Template, 1> kChatTemplates = {{
    {"chat_unread", "You have a new message on Vitalis",
     "Hello {{name}},\n\n"
     "You have a new message from {{from}}. Read it and reply in the app:\n\n"
     "    {{link}}\n\n"
     "We will not write again about this conversation until you have read it.",
     "<p>Hello {{name}},</p>\n"
     "<p>You have a new message from {{from}}. Read it and reply in the app:</p>\n"  //
     VITALIS_LINK("Open the conversation") "<p>We will not write again about this conversation "
                                           "until you have read it.</p>\n"},
}};

#undef VITALIS_LINK
#undef VITALIS_CODE_BLOCK

const Template* find_template(std::string_view kind) {
  for (const auto& tmpl : kTemplates) {
    if (tmpl.kind == kind) return &tmpl;
  }
  for (const auto& tmpl : kAccessTemplates) {
    if (tmpl.kind == kind) return &tmpl;
  }
  for (const auto& tmpl : kCareTemplates) {
    if (tmpl.kind == kind) return &tmpl;
  }
  for (const auto& tmpl : kPharmacyTemplates) {
    if (tmpl.kind == kind) return &tmpl;
  }
  for (const auto& tmpl : kChatTemplates) {
    if (tmpl.kind == kind) return &tmpl;
  }
  return nullptr;
}

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
  if (const Template* found = find_template(kind)) {
    const Template& tmpl = *found;
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
