// The identity part of a patient's record (name, email, date of birth, sex, phone) for the module
// that owns the /profile resource and shows it beside its own part (records): read it, read a
// change of it from a request, render it. The change itself is IdentityService::update_phone.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "core/error.hpp"
#include "db/database.hpp"
#include "http/message.hpp"
#include "identity/service.hpp"

namespace vitalis::identity {

// Inside the caller's lease (and its transaction, if one is open); nullopt when `patient_id` is
// not a patient. Not audited: the caller audits the read this is part of. Not thread-safe: one
// lease per task.
std::optional<PatientProfile> patient_demographics(db::Lease& lease, std::int64_t patient_id);

// The body of PATCH .../profile: {"phone"}, required ("" clears it); 422 naming the field, in the
// words of identity's other forms, otherwise.
Result<std::string> phone_change(const http::Request& request);

// {"id", "full_name", "email", "date_of_birth", "sex", "phone"} (phone null when empty).
boost::json::object profile_json(const PatientProfile& profile);

}  // namespace vitalis::identity
