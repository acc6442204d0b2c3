// Test support: an active account inserted straight into the database, for the tests of modules
// that need a patient or doctor row without going through sign-up.
#pragma once

#include <soci/soci.h>

#include <cstdint>
#include <string>

#include "db/database.hpp"

namespace vitalis::identity::testing {

inline std::int64_t insert_account(db::Pool& pool, const std::string& email,
                                   const std::string& role, const std::string& name = "Test") {
  auto lease = pool.acquire();
  long long id = 0;
  std::string hash = "x", status = "active", at = "2026-01-01T00:00:00.000000Z";
  **lease << "INSERT INTO accounts (email, password_hash, role, status, full_name, created_at) "
             "VALUES (:email, :hash, :role, :status, :name, :at) RETURNING id",
      soci::use(email), soci::use(hash), soci::use(role), soci::use(status), soci::use(name),
      soci::use(at), soci::into(id);
  return id;
}

}  // namespace vitalis::identity::testing
