// Email templates: each kind has a fixed subject (never health data, never a code), a plain-text
// body and an HTML body. Stateless; safe from any thread.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "notify/outbox.hpp"

namespace vitalis::notify {

// Renders a named template (plain text + HTML; variables HTML-escaped in the HTML part).
// Kinds: "verify_email" {name, code, minutes}, "password_reset" {name, code, minutes},
// "consent_request" {name, doctor, code, minutes}, "doctor_approved" {name},
// "alert_raised" {link} (to a doctor), "alert_patient" {link} (to the patient), "test_message" {}.
// Unknown kind or missing variable → Error (kInternal).
Result<Message> render(std::string_view kind, const std::map<std::string, std::string>& vars,
                       std::string to);

// Escapes & < > " ' for HTML text and attribute values.
std::string html_escape(std::string_view text);

}  // namespace vitalis::notify
