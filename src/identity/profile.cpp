// The identity part of a patient's record, for the owner of the /profile resource (profile.hpp).
// profile_json itself lives with the other renderings in routes_common.cpp.
#include "identity/profile.hpp"

#include "identity/internal.hpp"
#include "identity/routes_common.hpp"

namespace vitalis::identity {

std::optional<PatientProfile> patient_demographics(db::Lease& lease, std::int64_t patient_id) {
  PatientProfile out;
  if (!load_profile(lease, patient_id, out)) return std::nullopt;
  return out;
}

Result<std::string> phone_change(const http::Request& request) {
  auto body = body_object(request);
  if (!body.ok()) return body.error();
  return text_field(*body, "phone");
}

}  // namespace vitalis::identity
