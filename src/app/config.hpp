// Command line and configuration: flags > VITALIS_* environment > defaults, one table for all
// of it so --help always documents exactly what is parsed.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "db/database.hpp"
#include "http/server.hpp"
#include "identity/crypto.hpp"
#include "notify/sender.hpp"

namespace vitalis::app {

struct OptionSpec {
  std::string_view name;  // flag without dashes: "port" for --port
  std::string_view default_value;
  std::string_view help;
  std::vector<std::string_view> commands;  // subcommands that accept it
};

// The option table; the environment variable of "db-pool-size" is VITALIS_DB_POOL_SIZE.
const std::vector<OptionSpec>& option_specs();
std::string env_name(std::string_view option);

struct Invocation {
  std::string command;                         // "serve", "migrate", "version", "help"
  std::map<std::string, std::string> values;   // every option the command accepts, resolved
  std::map<std::string, std::string> sources;  // "flag", "env" or "default"
};

// Parses argv (without argv[0]) against the table and an environment lookup.
using EnvLookup = std::string (*)(std::string_view name);
Result<Invocation> parse_command_line(const std::vector<std::string>& args, EnvLookup env);
std::string process_env(std::string_view name);

struct Config {
  http::ServerOptions server;
  db::Options database;
  notify::SenderOptions mail;  // outbox delivery (serve, mail)
  std::string secret_key_file = "var/secret.key";
  // The audit chain's signed head (--audit-anchor-file; empty: audit.anchor beside the key file)
  // and how often serve rewrites it when the log grew (0: only at start and shutdown).
  std::string audit_anchor_file = "var/audit.anchor";
  long long audit_anchor_seconds = 60;
  identity::PasswordCost password_cost;
  // Below the OWASP minimum, allowed by --test-only-weak-password-hashing (warned at start).
  bool weak_password_hashing = false;
  std::string log_level = "info";
  bool migrate_on_serve = true;
  long long break_glass_seconds = 3600;              // serve: how long emergency access lasts
  long long session_max_age_seconds = 30LL * 86400;  // serve: absolute session lifetime
  long long staff_idle_seconds = 1800;               // serve: doctors' and admins' idle logoff
  // serve: reminder emails, these many hours before (none when empty), looked for this often.
  std::vector<int> reminder_hours{24, 2};
  long long reminder_seconds = 60;
  // serve: chat's offline email after this long unread; its sockets' session checks.
  long long chat_email_after_seconds = 300;
  long long chat_session_check_seconds = 15;
  // serve: the bearer token /metrics asks for (--metrics-token or the first line of
  // --metrics-token-file); empty = /metrics answers this host only. Never logged.
  std::string metrics_token;
  // demo-data sizes (see demo_data.hpp)
  int demo_patients = 48;
  long long demo_observations = 0;
  int demo_timeline_entries = 0;
  bool demo_only_if_empty = false;
};

// Turns resolved strings into typed settings; errors name the option.
Result<Config> build_config(const Invocation& invocation);

// argon2id passes and memory (MiB) at or above the OWASP minimum (19 MiB with 2 passes, or one
// of its equivalents: 46/1, 12/3, 9/4, 7/5). Below it, build_config refuses them unless
// --test-only-weak-password-hashing is given.
bool meets_owasp_argon2_minimum(long long opslimit, long long memlimit_mib);

// The warning to log at start when a PostgreSQL URL reaches another host without requiring TLS:
// no sslmode=require, verify-ca or verify-full in the URL (nor in PGSSLMODE, `pgsslmode`, which
// libpq reads when the URL names none). Loopback hosts (localhost, 127.0.0.0/8, ::1) and Unix
// sockets need none. nullopt when nothing is to be said (or the URL is SQLite).
std::optional<std::string> database_tls_warning(std::string_view url, std::string_view pgsslmode);

std::string help_text(std::string_view command);

}  // namespace vitalis::app
