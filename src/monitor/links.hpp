// Where monitoring's emails and notifications send people: paths of the web app's pages
// (web/src/App.tsx route table). The API tests check each against that table, so a renamed page
// fails a test instead of a link. Pure; safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace vitalis::monitor::links {

// The doctor's alerts: open and acknowledged alerts of their patients.
inline constexpr std::string_view kDoctorAlerts = "/doctor/alerts";
// The patient's dashboard, which lists their own alerts.
inline constexpr std::string_view kPatientHome = "/dashboard";

// The summary section of a patient's chart (its alerts, latest readings).
inline std::string patient_chart(std::int64_t patient_id) {
  return "/doctor/patients/" + std::to_string(patient_id) + "/summary";
}

}  // namespace vitalis::monitor::links
