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
// Kinds: "verify_email" {name, code, minutes, link}, "password_reset" {name, code, minutes,
// link}, "consent_request" {name, doctor, code, minutes, link}, "doctor_approved" {name, link},
// "alert_raised" {link} (to a doctor), "alert_patient" {link} (to the patient), "test_message"
// {}; account and access (identity): "account_claim" {name, why, code, valid_for, link},
// "access_request" {name, doctor, link}, "emergency_access" {name, who, minutes, link},
// "doctor_rejected" {name, reason, link}, "email_change_code" {name, code, minutes, link},
// "email_changed" {name, new_email, link}; scheduling (care): "test_booked" and "test_reminder"
// {name, centre, address, when, token, link}, "appointment_booked", "appointment_moved",
// "appointment_cancelled", "appointment_reminder" {name, doctor, when, where, link}; pharmacy:
// "pharmacy_order_placed" {name, order, total, next, link}, "pharmacy_order_ready",
// "pharmacy_order_dispatched" {name, order, total, link}, "pharmacy_order_cancelled" {name,
// order, link}; chat: "chat_unread" {name, from, link}. Every link
// opens a page of the web app. Unknown kind or missing variable → Error (kInternal).
Result<Message> render(std::string_view kind, const std::map<std::string, std::string>& vars,
                       std::string to);

// Escapes & < > " ' for HTML text and attribute values.
std::string html_escape(std::string_view text);

}  // namespace vitalis::notify
