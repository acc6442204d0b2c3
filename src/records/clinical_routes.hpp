// HTTP routes of the clinical part of the records module: the profile (all of /profile, the
// identity part through identity's service), encounters, diagnoses, prescriptions, symptoms and
// their vocabulary, timeline, export.
#pragma once

#include "http/router.hpp"
#include "records/clinical_service.hpp"

namespace vitalis::records {

// A bound of ?from= / ?to=: an RFC 3339 time, or a date meaning its start (from) or the start
// of the next day (to, exclusive), so "to=2026-03-01" includes the whole of March 1st. 422
// naming `name` otherwise.
Result<std::string> time_bound(const std::string& text, std::string_view name);

// Guards every route with the identity rules of the service's identity module.
void add_clinical_routes(http::Router& router, ClinicalService& service);

}  // namespace vitalis::records
