// What the identity store files share over db/rows.hpp: the doctor rows two parts read.
#pragma once

#include <soci/soci.h>

#include "db/rows.hpp"
#include "identity/model.hpp"

namespace vitalis::identity::store {

// A doctor's summary (kSelectDoctors, kSelectCareTeam): id, name, email, status, licence number,
// specialty, clinic.
class DoctorReader {
 public:
  void bind(soci::statement& statement) {
    statement.exchange(soci::into(id_));
    statement.exchange(soci::into(row_.full_name));
    statement.exchange(soci::into(row_.email));
    statement.exchange(soci::into(row_.status));
    statement.exchange(soci::into(row_.licence_number));
    statement.exchange(soci::into(row_.specialty));
    statement.exchange(soci::into(row_.clinic));
  }
  DoctorSummary current() const {
    DoctorSummary row = row_;
    row.id = id_;
    return row;
  }

 private:
  DoctorSummary row_;
  long long id_ = 0;
};

}  // namespace vitalis::identity::store
