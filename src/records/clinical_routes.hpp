// HTTP routes of the clinical part of the records module: the profile (all of /profile, the
// identity part through identity's service), encounters, diagnoses, prescriptions, symptoms and
// their vocabulary, timeline, export.
#pragma once

#include "http/router.hpp"
#include "records/clinical_service.hpp"

namespace vitalis::records {

// Guards every route with the identity rules of the service's identity module.
void add_clinical_routes(http::Router& router, ClinicalService& service);

}  // namespace vitalis::records
