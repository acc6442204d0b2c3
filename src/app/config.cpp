// The option table, the argv/environment resolver and typed conversion.
#include "app/config.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "http/message.hpp"
#include "notify/outbox.hpp"

namespace vitalis::app {

namespace {
const std::vector<std::string_view> kServe = {"serve"};
const std::vector<std::string_view> kDb = {"serve",     "migrate", "mail", "user",   "audit",
                                           "demo-data", "alerts",  "keys", "import", "pharmacy"};
// Commands that raise alerts (and so mail links and read the rules).
const std::vector<std::string_view> kAlerts = {"serve", "demo-data", "alerts"};
const std::vector<std::string_view> kIdentity = {"serve", "user", "audit", "demo-data"};
const std::vector<std::string_view> kMail = {"serve", "mail"};
// Commands that need the server secret: identity's, and those that queue mail (its key is
// derived from the secret).
const std::vector<std::string_view> kSecret = {"serve", "user",   "audit", "demo-data",
                                               "mail",  "alerts", "keys"};
// Commands that read or write the audit anchor.
const std::vector<std::string_view> kAnchor = {"serve", "audit", "keys"};
}  // namespace

const std::vector<OptionSpec>& option_specs() {
  static const std::vector<OptionSpec> specs = {
      {"database", "sqlite:var/vitalis.db",
       "Database URL: sqlite:PATH or postgresql://USER:PASSWORD@HOST:PORT/DB", kDb},
      {"db-pool-size", "0",
       "Database connections; 0 = one per thread that uses the database (blocking threads, the "
       "audit sealer, on SQLite also the network threads)",
       kDb},
      {"sqlite-synchronous", "FULL",
       "SQLite durability: FULL survives power loss, NORMAL only process crashes", kDb},
      {"log-level", "info", "Minimum log level: debug, info, warn or error", kDb},
      {"secret-key-file", "var/secret.key",
       "Server secret for token signatures, code hashes, the audit chain and the key of queued "
       "mail; created (mode 0600) when missing. Every server of one deployment needs the same "
       "file. "
       "A key ring after vitalis keys rotate",
       kSecret},
      {"audit-anchor-file", "",
       "Signed checkpoint of the audit chain's head, kept outside the database so audit verify "
       "notices removed rows; empty: audit.anchor beside --secret-key-file",
       kAnchor},
      {"audit-anchor-seconds", "60",
       "How often serve re-anchors the audit chain's head when it grew (also at start and "
       "shutdown); 0: only then",
       kServe},
      {"key-id", "", "The key to retire (vitalis keys retire KEY_ID)", {"keys"}},
      {"argon2-opslimit",
       "2",
       "argon2id passes for password hashes (libsodium INTERACTIVE = 2)",
       {"serve", "user", "demo-data"}},
      {"argon2-memlimit-mb",
       "64",
       "argon2id memory per password hash in MiB (INTERACTIVE = 64)",
       {"serve", "user", "demo-data"}},
      {"test-only-weak-password-hashing",
       "false",
       "TEST ONLY, never in production: accept argon2id settings below the OWASP minimum "
       "(otherwise refused at start), so test suites can hash fast; logged as a warning",
       {"serve", "user", "demo-data"}},
      {"email", "", "Email of the admin to create (password read from standard input)", {"user"}},
      {"full-name", "", "Full name of the admin to create", {"user"}},
      {"host", "127.0.0.1", "Address to listen on", kServe},
      {"port", "8080", "Port to listen on; 0 picks a free one (logged at start)", kServe},
      {"threads", "0", "Network threads; 0 = number of cores", kServe},
      {"blocking-threads", "0", "Threads for database work; 0 = 4 per network thread, at most 32",
       kServe},
      {"web-root", "web/dist", "Directory of the built web app; empty disables static files",
       kServe},
      {"max-body", "1048576", "Default largest request body in bytes", kServe},
      {"header-timeout-ms", "10000", "Time allowed to send a request header", kServe},
      {"read-timeout-ms", "30000", "Time allowed to send a request body", kServe},
      {"idle-timeout-ms", "60000", "Keep-alive connections idle longer than this are closed",
       kServe},
      {"write-timeout-ms", "30000", "Time allowed to send a response", kServe},
      {"shutdown-timeout-ms", "30000",
       "On SIGTERM/SIGINT, how long in-flight requests may take before the server exits", kServe},
      {"max-connections", "0",
       "Open client connections at most (WebSockets included); one more is answered 503 and "
       "closed. 0 = the open-file limit less 128, at most 4096",
       kServe},
      {"cors-origins", "", "Comma-separated origins allowed to call the API cross-site", kServe},
      {"trusted-proxies", "",
       "Comma-separated addresses of reverse proxies whose X-Forwarded-For is believed", kServe},
      {"metrics-token", "",
       "Bearer token that /metrics requires (at least 16 characters); set it in the environment "
       "or use --metrics-token-file. Empty: /metrics answers programs on this host only",
       kServe},
      {"metrics-token-file", "",
       "File whose first line is the /metrics token (instead of --metrics-token)", kServe},
      {"access-log", "true", "Write one JSON line per request (never bodies)", kServe},
      {"migrate", "true", "Apply pending database migrations before serving", kServe},
      {"smtp-url", "",
       "SMTP server: smtp://HOST:PORT or smtps://HOST:PORT; empty writes .eml files to --mail-dir",
       kMail},
      {"smtp-user", "", "SMTP user name for AUTH; empty sends without AUTH", kMail},
      {"smtp-password", "", "SMTP password; set it in the environment, not as a flag", kMail},
      {"smtp-starttls", "auto",
       "Require STARTTLS on smtp:// (fail rather than send in clear); auto: required whenever a "
       "user name or password is set, so a password never crosses the network in clear",
       kMail},
      {"mail-from", "Vitalis <no-reply@vitalis.local>", "From header of outgoing mail", kMail},
      {"mail-dir", "var/mail", "Directory for .eml files when --smtp-url is empty", kMail},
      {"outbox-max-attempts", "8", "Delivery attempts before a message is marked dead", kMail},
      {"outbox-retry-base-ms", "30000",
       "Wait after the first failed delivery try; doubled after each further one", kMail},
      {"outbox-retry-max-ms", "3600000", "Longest wait between delivery tries", kMail},
      {"outbox-sending-timeout-ms", "300000",
       "A message still 'sending' after this long (its sender died) is marked uncertain, not "
       "resent",
       kMail},
      {"outbox-retention-days", "90",
       "Sent, dead and uncertain messages (their content already erased) are deleted this many "
       "days after they were queued; 0 keeps them",
       kMail},
      {"to", "", "Recipient of the test message (vitalis mail test --to ADDRESS)", {"mail"}},
      {"models",
       "models",
       "Directory of trained models (written by vitalis train)",
       {"serve", "predict"}},
      {"datasets",
       "../shared/datasets",
       "Shared datasets: training data (train); symptom checker, air quality and the medicines "
       "table (serve, import, demo-data)",
       {"serve", "train", "import", "demo-data"}},
      {"public-url", "http://127.0.0.1:8080",
       "Address of the web app as users reach it, for links in emails; serve also lets pages of "
       "this "
       "origin open WebSockets (behind a proxy that rewrites Host)",
       kAlerts},
      {"https", "auto",
       "Whether users reach the app over HTTPS (TLS at a proxy in front): then cookies carry "
       "Secure and responses Strict-Transport-Security. auto: when --public-url starts with "
       "https://",
       kServe},
      {"hsts-seconds", "31536000",
       "Strict-Transport-Security max-age over HTTPS (one year); 0 sends none. Never sent over "
       "HTTP",
       kServe},
      {"break-glass-seconds", "3600",
       "How long emergency (break-glass) read access to a patient's record lasts", kServe},
      {"session-max-age-seconds", "2592000",
       "Absolute session lifetime: a sign-in's session ends this long after it began (30 days), "
       "however often it is renewed",
       kServe},
      {"staff-idle-seconds", "1800",
       "Doctors' and administrators' sessions end after this long without activity (30 minutes; "
       "measured from the last token renewal, so within one access-token lifetime)",
       kServe},
      {"reminder-hours", "24,2",
       "Hours before an appointment or a booked test when its reminder email goes out, comma "
       "separated (1 to 720 each); empty: no reminders",
       kServe},
      {"reminder-seconds", "60",
       "How often serve looks for reminders that are due (every server may: each reminder is "
       "sent once)",
       kServe},
      {"chat-email-after-seconds", "300",
       "A chat message unread this long, to someone with no live connection, sends them one email "
       "(without the message)",
       kServe},
      {"chat-session-check-seconds", "15",
       "How often open chat connections are checked against their sessions (a signed-out "
       "session's connections close)",
       kServe},
      {"websocket-idle-seconds", "60",
       "A WebSocket that sends nothing (not even the answer to the ping sent halfway) for this "
       "long is closed",
       kServe},
      {"alert-rules", "",
       "Alert rules JSON file; empty uses the rules built in from config/alert_rules.json",
       kAlerts},
      {"out", "models", "Directory vitalis train writes the models to", {"train"}},
      {"model", "", "Model to score with: diabetes, heart or stroke", {"predict"}},
      {"input", "", "CSV to score, with the dataset's columns", {"predict"}},
      {"output", "", "File for row,probability,risk_class ('-' = stdout)", {"predict"}},
      {"patients",
       "48",
       "demo-data: generated patients besides the named demo patient",
       {"demo-data"}},
      {"observations",
       "0",
       "demo-data: observations over the generated patients; 0 = about 1,000 each",
       {"demo-data"}},
      {"timeline-entries",
       "0",
       "demo-data: add one patient (timeline@) with this many entries; 0 = none",
       {"demo-data"}},
      {"only-if-empty",
       "false",
       "demo-data: do nothing when the database already has accounts (make run)",
       {"demo-data"}},
  };
  return specs;
}

std::string env_name(std::string_view option) {
  std::string name = "VITALIS_";
  for (char ch : option) name.push_back(ch == '-' ? '_' : static_cast<char>(std::toupper(ch)));
  return name;
}

std::string process_env(std::string_view name) {
  const char* value = std::getenv(std::string(name).c_str());
  return value == nullptr ? std::string() : std::string(value);
}

namespace {

bool accepts(const OptionSpec& spec, std::string_view command) {
  return std::find(spec.commands.begin(), spec.commands.end(), command) != spec.commands.end();
}

const OptionSpec* find_spec(std::string_view name) {
  for (const auto& spec : option_specs()) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

constexpr std::string_view kCommands[] = {"serve",  "migrate",  "train",     "predict", "mail",
                                          "user",   "audit",    "demo-data", "alerts",  "keys",
                                          "import", "pharmacy", "version",   "help"};

// Commands that take an action word after them ("vitalis mail test"), and the actions each knows.
struct CommandActions {
  std::string_view command;
  std::vector<std::string_view> actions;
};
const std::vector<CommandActions>& command_actions() {
  static const std::vector<CommandActions> table = {{"mail", {"test"}},
                                                    {"user", {"create-admin"}},
                                                    {"audit", {"verify", "anchor"}},
                                                    {"keys", {"list", "rotate", "retire"}},
                                                    {"alerts", {"evaluate"}},
                                                    {"import", {"medicines"}},
                                                    {"pharmacy", {"verify"}}};
  return table;
}
const CommandActions* find_actions(std::string_view command) {
  for (const auto& entry : command_actions()) {
    if (entry.command == command) return &entry;
  }
  return nullptr;
}

}  // namespace

Result<Invocation> parse_command_line(const std::vector<std::string>& args, EnvLookup env) {
  Invocation invocation;
  std::size_t idx = 0;
  if (idx < args.size() && !args[idx].starts_with("-")) invocation.command = args[idx++];
  if (invocation.command.empty()) invocation.command = "help";
  if (std::find(std::begin(kCommands), std::end(kCommands), invocation.command) ==
      std::end(kCommands)) {
    return Error::validation("command",
                             "unknown command '" + invocation.command + "' (try: vitalis help)");
  }
  for (; idx < args.size(); ++idx) {
    std::string_view arg = args[idx];
    if (arg == "--help" || arg == "-h") {
      invocation.values["help"] = "true";
      continue;
    }
    if (invocation.command == "help" && !arg.starts_with("-")) {
      invocation.values["topic"] = std::string(arg);
      continue;
    }
    if (const auto* actions = find_actions(invocation.command);
        actions != nullptr && !arg.starts_with("-") && !invocation.values.count("action")) {
      if (std::find(actions->actions.begin(), actions->actions.end(), arg) ==
          actions->actions.end()) {
        return Error::validation("action", "unknown action '" + std::string(arg) + "' for '" +
                                               invocation.command + "' (see vitalis help " +
                                               invocation.command + ")");
      }
      invocation.values["action"] = std::string(arg);
      continue;
    }
    // vitalis keys retire KEY_ID
    if (invocation.command == "keys" && !arg.starts_with("-") &&
        !invocation.sources.count("key-id")) {
      invocation.values["key-id"] = std::string(arg);
      invocation.sources["key-id"] = "flag";
      continue;
    }
    if (!arg.starts_with("--")) {
      return Error::validation("arguments", "unexpected argument '" + std::string(arg) + "'");
    }
    arg.remove_prefix(2);
    std::string name(arg.substr(0, arg.find('=')));
    const OptionSpec* spec = find_spec(name);
    if (spec == nullptr || !accepts(*spec, invocation.command)) {
      return Error::validation(name, "unknown option --" + name + " for '" + invocation.command +
                                         "' (see vitalis help " + invocation.command + ")");
    }
    std::string value;
    if (auto eq = arg.find('='); eq != std::string_view::npos) {
      value = std::string(arg.substr(eq + 1));
    } else if (idx + 1 < args.size()) {
      value = args[++idx];
    } else {
      return Error::validation(name, "option --" + name + " needs a value");
    }
    invocation.values[name] = value;
    invocation.sources[name] = "flag";
  }
  if (find_actions(invocation.command) != nullptr && !invocation.values.count("action") &&
      !invocation.values.count("help")) {
    return Error::validation("action", "'" + invocation.command +
                                           "' needs an action (see vitalis help " +
                                           invocation.command + ")");
  }
  for (const auto& spec : option_specs()) {
    std::string name(spec.name);
    if (!accepts(spec, invocation.command) || invocation.sources.count(name)) continue;
    std::string from_env = env(env_name(spec.name));
    if (!from_env.empty()) {
      invocation.values[name] = from_env;
      invocation.sources[name] = "env";
    } else {
      invocation.values[name] = std::string(spec.default_value);
      invocation.sources[name] = "default";
    }
  }
  return invocation;
}

namespace {

// Reads option `name` as an integer in [min, max].
Result<long long> integer(const Invocation& invocation, const std::string& name, long long min,
                          long long max) {
  const std::string& text = invocation.values.at(name);
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return Error::validation(name, "--" + name + " must be a whole number from " +
                                       std::to_string(min) + " to " + std::to_string(max) +
                                       " (got '" + text + "')");
  }
  return value;
}

Result<bool> boolean(const Invocation& invocation, const std::string& name) {
  const std::string& text = invocation.values.at(name);
  if (text == "true" || text == "1" || text == "yes" || text == "on") return true;
  if (text == "false" || text == "0" || text == "no" || text == "off") return false;
  return Error::validation(name, "--" + name + " must be true or false (got '" + text + "')");
}

// The /metrics token from --metrics-token or the first line of --metrics-token-file. Errors
// name the option, never the value.
Result<std::string> metrics_token(const std::map<std::string, std::string>& values) {
  std::string token = values.at("metrics-token");
  const std::string& file = values.at("metrics-token-file");
  if (!file.empty()) {
    if (!token.empty()) {
      return Error::validation("metrics-token-file",
                               "set --metrics-token or --metrics-token-file, not both");
    }
    std::ifstream in(file);
    if (!in || !std::getline(in, token)) {
      return Error::validation("metrics-token-file", "cannot read --metrics-token-file " + file);
    }
    while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
  }
  if (!token.empty() && token.size() < 16) {
    return Error::validation("metrics-token", "--metrics-token must be at least 16 characters");
  }
  return token;
}

}  // namespace

#define VITALIS_ASSIGN(target, expression)     \
  do {                                         \
    auto result_ = (expression);               \
    if (!result_.ok()) return result_.error(); \
    target = *result_;                         \
  } while (false)

bool meets_owasp_argon2_minimum(long long opslimit, long long memlimit_mib) {
  // OWASP Password Storage Cheat Sheet: m=19 MiB t=2 p=1, or an equivalent pair.
  constexpr std::pair<long long, long long> kMinimum[] = {
      {46, 1}, {19, 2}, {12, 3}, {9, 4}, {7, 5}};
  return std::any_of(std::begin(kMinimum), std::end(kMinimum), [&](const auto& pair) {
    return memlimit_mib >= pair.first && opslimit >= pair.second;
  });
}

std::optional<std::string> database_tls_warning(std::string_view url, std::string_view pgsslmode) {
  std::string_view rest = url;
  if (rest.starts_with("postgresql://")) {
    rest.remove_prefix(13);
  } else if (rest.starts_with("postgres://")) {
    rest.remove_prefix(11);
  } else {
    return std::nullopt;
  }
  std::string_view authority = rest.substr(0, rest.find_first_of("/?"));
  std::string_view query =
      rest.find('?') == std::string_view::npos ? "" : rest.substr(rest.find('?') + 1);
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  // Hosts: the authority's (several, comma-separated) and any host= in the query (which wins).
  std::vector<std::string_view> hosts;
  std::string_view sslmode = pgsslmode;
  for (std::string_view pairs = query; !pairs.empty();) {
    std::string_view pair = pairs.substr(0, pairs.find('&'));
    pairs.remove_prefix(std::min(pairs.size(), pair.size() + 1));
    if (pair.starts_with("sslmode=")) sslmode = pair.substr(8);
    if (pair.starts_with("host=")) hosts.push_back(pair.substr(5));
  }
  if (hosts.empty()) {
    for (std::string_view list = authority; !list.empty() || hosts.empty();) {
      std::string_view host = list.substr(0, list.find(','));
      list.remove_prefix(std::min(list.size(), host.size() + 1));
      if (host.starts_with('[')) {
        host = host.substr(1, host.find(']') - 1);
      } else {
        host = host.substr(0, host.find(':'));
      }
      hosts.push_back(host);
      if (list.empty()) break;
    }
  }
  auto local = [](std::string_view host) {
    return host.empty() || host.starts_with('/') || host.starts_with("%2F") ||
           host.starts_with("%2f") || host == "localhost" || host.starts_with("127.") ||
           host == "::1";
  };
  if (std::all_of(hosts.begin(), hosts.end(), local)) return std::nullopt;
  if (sslmode == "require" || sslmode == "verify-ca" || sslmode == "verify-full") {
    return std::nullopt;
  }
  return "the PostgreSQL server is on another host and TLS is not required: health data and the "
         "database password may cross the network in clear. Add sslmode=verify-full (with "
         "sslrootcert=<the server's CA>) to --database (docs/SECURITY.md)";
}

Result<Config> build_config(const Invocation& invocation) {
  Config config;
  const auto& values = invocation.values;
  auto has = [&values](const char* name) { return values.count(name) > 0; };
  if (has("database")) {
    config.database.url = values.at("database");
    auto parsed = db::parse_url(config.database.url);
    if (!parsed.ok()) return parsed.error();
    VITALIS_ASSIGN(config.database.pool_size, integer(invocation, "db-pool-size", 0, 1000));
    config.database.sqlite_synchronous = values.at("sqlite-synchronous");
    if (config.database.sqlite_synchronous != "FULL" &&
        config.database.sqlite_synchronous != "NORMAL") {
      return Error::validation("sqlite-synchronous", "--sqlite-synchronous must be FULL or NORMAL");
    }
  }
  if (has("secret-key-file")) config.secret_key_file = values.at("secret-key-file");
  if (has("audit-anchor-file")) {
    config.audit_anchor_file = values.at("audit-anchor-file");
    if (config.audit_anchor_file.empty()) {
      auto folder = std::filesystem::path(config.secret_key_file).parent_path();
      config.audit_anchor_file = (folder / "audit.anchor").string();
    }
  }
  if (has("audit-anchor-seconds")) {
    VITALIS_ASSIGN(config.audit_anchor_seconds,
                   integer(invocation, "audit-anchor-seconds", 0, 86400));
  }
  if (has("argon2-opslimit")) {
    long long ops = 0, mib = 0;
    VITALIS_ASSIGN(ops, integer(invocation, "argon2-opslimit", 1, 16));
    VITALIS_ASSIGN(mib, integer(invocation, "argon2-memlimit-mb", 8, 4096));
    config.password_cost.opslimit = static_cast<std::uint64_t>(ops);
    config.password_cost.memlimit = static_cast<std::size_t>(mib) * 1024 * 1024;
    bool weak_allowed = false;
    VITALIS_ASSIGN(weak_allowed, boolean(invocation, "test-only-weak-password-hashing"));
    if (!meets_owasp_argon2_minimum(ops, mib)) {
      if (!weak_allowed) {
        return Error::validation(
            "argon2-memlimit-mb",
            "--argon2-opslimit=" + std::to_string(ops) +
                " with --argon2-memlimit-mb=" + std::to_string(mib) +
                " is below the OWASP minimum for argon2id (19 MiB with 2 passes; or 46/1, 12/3, "
                "9/4, 7/5 MiB/passes): stolen password hashes would be cheap to crack. Raise "
                "them (default 64 MiB, 2 passes); only a test suite may go lower, with "
                "--test-only-weak-password-hashing=true");
      }
      config.weak_password_hashing = true;
    }
  }
  if (has("session-max-age-seconds")) {
    VITALIS_ASSIGN(config.session_max_age_seconds,
                   integer(invocation, "session-max-age-seconds", 1, 366LL * 86400));
  }
  if (has("reminder-hours")) {
    config.reminder_hours.clear();
    const std::string& text = invocation.values.at("reminder-hours");
    for (std::size_t start = 0; start < text.size();) {
      std::size_t comma = std::min(text.find(',', start), text.size());
      int hours = 0;
      auto [end, ec] = std::from_chars(text.data() + start, text.data() + comma, hours);
      if (ec != std::errc() || end != text.data() + comma || hours < 1 || hours > 720 ||
          std::find(config.reminder_hours.begin(), config.reminder_hours.end(), hours) !=
              config.reminder_hours.end()) {
        return Error::validation("reminder-hours",
                                 "--reminder-hours must list different whole numbers of hours "
                                 "from 1 to 720, like 24,2 (got '" +
                                     text + "')");
      }
      config.reminder_hours.push_back(hours);
      start = comma + 1;
    }
  }
  if (has("reminder-seconds")) {
    VITALIS_ASSIGN(config.reminder_seconds, integer(invocation, "reminder-seconds", 1, 3600));
  }
  if (has("chat-email-after-seconds")) {
    VITALIS_ASSIGN(config.chat_email_after_seconds,
                   integer(invocation, "chat-email-after-seconds", 1, 86400));
  }
  if (has("chat-session-check-seconds")) {
    VITALIS_ASSIGN(config.chat_session_check_seconds,
                   integer(invocation, "chat-session-check-seconds", 1, 3600));
  }
  if (has("websocket-idle-seconds")) {
    long long seconds = 0;
    VITALIS_ASSIGN(seconds, integer(invocation, "websocket-idle-seconds", 2, 3600));
    config.server.websocket_idle_timeout = std::chrono::seconds(seconds);
  }
  if (has("staff-idle-seconds")) {
    VITALIS_ASSIGN(config.staff_idle_seconds,
                   integer(invocation, "staff-idle-seconds", 1, 7LL * 86400));
  }
  if (has("break-glass-seconds")) {
    VITALIS_ASSIGN(config.break_glass_seconds,
                   integer(invocation, "break-glass-seconds", 1, 86400));
  }
  if (has("log-level")) {
    config.log_level = values.at("log-level");
    if (config.log_level != "debug" && config.log_level != "info" && config.log_level != "warn" &&
        config.log_level != "error") {
      return Error::validation("log-level", "--log-level must be debug, info, warn or error");
    }
  }
  if (has("smtp-url")) {
    auto& mail = config.mail;
    mail.smtp_url = values.at("smtp-url");
    if (!mail.smtp_url.empty() && !mail.smtp_url.starts_with("smtp://") &&
        !mail.smtp_url.starts_with("smtps://")) {
      return Error::validation("smtp-url", "--smtp-url must start with smtp:// or smtps://");
    }
    mail.smtp_user = values.at("smtp-user");
    mail.smtp_password = values.at("smtp-password");
    if (values.at("smtp-starttls") == "auto") {
      // AUTH in clear would show the password to anyone on the path: with credentials (as
      // options or in the URL), smtp:// requires STARTTLS unless it is turned off by name.
      auto authority = mail.smtp_url.substr(0, mail.smtp_url.find('/', sizeof "smtp://"));
      bool credentials = !mail.smtp_user.empty() || !mail.smtp_password.empty() ||
                         authority.find('@') != std::string::npos;
      mail.starttls = credentials && mail.smtp_url.starts_with("smtp://");
    } else {
      VITALIS_ASSIGN(mail.starttls, boolean(invocation, "smtp-starttls"));
      if (mail.starttls && mail.smtp_url.starts_with("smtps://")) {
        return Error::validation("smtp-starttls",
                                 "--smtp-starttls is for smtp://; smtps:// is TLS");
      }
    }
    mail.from = values.at("mail-from");
    auto open = mail.from.rfind('<');
    std::string from_address =
        open == std::string::npos
            ? mail.from
            : mail.from.substr(open + 1, mail.from.find('>', open) - open - 1);
    if (!notify::is_plain_address(from_address)) {
      return Error::validation("mail-from", "--mail-from must be an address or 'Name <address>'");
    }
    mail.mail_dir = values.at("mail-dir");
    VITALIS_ASSIGN(mail.max_attempts, integer(invocation, "outbox-max-attempts", 1, 100));
    long long timeout_ms = 0;
    VITALIS_ASSIGN(timeout_ms, integer(invocation, "outbox-sending-timeout-ms", 0, 86'400'000));
    mail.sending_timeout = std::chrono::milliseconds(timeout_ms);
    long long retry_base_ms = 0, retry_max_ms = 0;
    VITALIS_ASSIGN(retry_base_ms, integer(invocation, "outbox-retry-base-ms", 100, 86'400'000));
    VITALIS_ASSIGN(retry_max_ms, integer(invocation, "outbox-retry-max-ms", 100, 86'400'000));
    if (retry_max_ms < retry_base_ms) {
      return Error::validation("outbox-retry-max-ms",
                               "--outbox-retry-max-ms must not be below --outbox-retry-base-ms");
    }
    mail.retry_base = std::chrono::milliseconds(retry_base_ms);
    mail.retry_cap = std::chrono::milliseconds(retry_max_ms);
    long long retention_days = 0;
    VITALIS_ASSIGN(retention_days, integer(invocation, "outbox-retention-days", 0, 36'500));
    mail.retention = std::chrono::hours(24 * retention_days);
  }
  if (has("patients")) {
    long long patients = 0, entries = 0;
    VITALIS_ASSIGN(patients, integer(invocation, "patients", 0, 10'000'000));
    VITALIS_ASSIGN(config.demo_observations, integer(invocation, "observations", 0, 1LL << 40));
    VITALIS_ASSIGN(entries, integer(invocation, "timeline-entries", 0, 10'000'000));
    VITALIS_ASSIGN(config.demo_only_if_empty, boolean(invocation, "only-if-empty"));
    config.demo_patients = static_cast<int>(patients);
    config.demo_timeline_entries = static_cast<int>(entries);
  }
  if (invocation.command != "serve") {
    if (config.database.pool_size == 0) config.database.pool_size = 1;  // migrate: one is enough
    return config;
  }

  auto& server = config.server;
  server.host = values.at("host");
  VITALIS_ASSIGN(server.port, integer(invocation, "port", 0, 65535));
  VITALIS_ASSIGN(server.threads, integer(invocation, "threads", 0, 256));
  VITALIS_ASSIGN(server.blocking_threads, integer(invocation, "blocking-threads", 0, 1024));
  server.web_root = values.at("web-root");
  VITALIS_ASSIGN(server.max_body, integer(invocation, "max-body", 1, 1LL << 32));
  long long ms = 0;
  VITALIS_ASSIGN(ms, integer(invocation, "header-timeout-ms", 100, 3'600'000));
  server.header_timeout = std::chrono::milliseconds(ms);
  VITALIS_ASSIGN(ms, integer(invocation, "read-timeout-ms", 100, 3'600'000));
  server.read_timeout = std::chrono::milliseconds(ms);
  VITALIS_ASSIGN(ms, integer(invocation, "idle-timeout-ms", 100, 3'600'000));
  server.idle_timeout = std::chrono::milliseconds(ms);
  VITALIS_ASSIGN(ms, integer(invocation, "write-timeout-ms", 100, 3'600'000));
  server.write_timeout = std::chrono::milliseconds(ms);
  VITALIS_ASSIGN(ms, integer(invocation, "shutdown-timeout-ms", 0, 3'600'000));
  server.shutdown_timeout = std::chrono::milliseconds(ms);
  long long max_connections = 0;
  VITALIS_ASSIGN(max_connections, integer(invocation, "max-connections", 0, 1'000'000));
  server.max_connections = static_cast<std::size_t>(max_connections);
  std::string_view origins = values.at("cors-origins");
  while (!origins.empty()) {
    auto comma = origins.find(',');
    std::string_view origin = origins.substr(0, comma);
    while (!origin.empty() && origin.front() == ' ') origin.remove_prefix(1);
    while (!origin.empty() && origin.back() == ' ') origin.remove_suffix(1);
    if (origin == "*") {
      return Error::validation("cors-origins", "--cors-origins takes exact origins, not '*'");
    }
    if (!origin.empty()) server.cors_origins.emplace_back(origin);
    origins = comma == std::string_view::npos ? std::string_view{} : origins.substr(comma + 1);
  }
  for (std::string_view list = values.at("trusted-proxies"); !list.empty();) {
    auto comma = list.find(',');
    std::string_view proxy = list.substr(0, comma);
    while (!proxy.empty() && proxy.front() == ' ') proxy.remove_prefix(1);
    while (!proxy.empty() && proxy.back() == ' ') proxy.remove_suffix(1);
    if (!proxy.empty()) server.trusted_proxies.emplace_back(proxy);
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
  }
  server.public_url = values.at("public-url");
  if (values.at("https") == "auto") {
    server.https = http::iequals(std::string_view(server.public_url).substr(0, 8), "https://");
  } else {
    VITALIS_ASSIGN(server.https, boolean(invocation, "https"));
  }
  VITALIS_ASSIGN(server.hsts_seconds, integer(invocation, "hsts-seconds", 0, 1LL << 31));
  VITALIS_ASSIGN(config.metrics_token, metrics_token(values));
  VITALIS_ASSIGN(server.access_log, boolean(invocation, "access-log"));
  VITALIS_ASSIGN(config.migrate_on_serve, boolean(invocation, "migrate"));

  // Every blocking thread may hold a connection; fewer connections would just queue.
  int network = server.threads > 0
                    ? server.threads
                    : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  // Blocking threads wait for the database: on PostgreSQL a round trip per statement, on both
  // the commit of a write. More threads than cores keep the cores busy meanwhile, but each one
  // more costs context switches: 16 per network thread halved the blocking reads on 2 cores
  // (18,000 -> 12,000 req/s) and bought nothing elsewhere, 4 matched the best of every workload
  // (PERFORMANCE.md). Capped so a big host does not exceed PostgreSQL's default
  // max_connections (100).
  if (server.blocking_threads == 0) server.blocking_threads = std::min(4 * network, 32);
  // An embedded database answers a short read faster than a hand-off to another thread takes,
  // so quick routes run on the network threads there, each of which then needs a connection.
  // The audit sealer's thread needs one too.
  auto target = db::parse_url(config.database.url);
  server.run_quick_routes_inline = target.ok() && target->dialect == db::Dialect::kSqlite;
  if (config.database.pool_size == 0) {
    config.database.pool_size =
        server.blocking_threads + (server.run_quick_routes_inline ? network : 0) + 1;
  }
  return config;
}

#undef VITALIS_ASSIGN

std::string help_text(std::string_view command) {
  std::string out;
  if (command.empty() || command == "help") {
    out =
        "vitalis - healthcare platform server\n\n"
        "Usage: vitalis COMMAND [--option=value ...]\n\n"
        "Commands:\n"
        "  serve     Migrate the database (unless --migrate=false) and serve HTTP and WebSocket\n"
        "  migrate   Apply pending database migrations and exit\n"
        "  train     Train the risk models from the datasets (--datasets, --out)\n"
        "  predict   Score a CSV with a trained model (--model, --input, --output)\n"
        "  mail test Send a test message with the mail settings (--to ADDRESS)\n"
        "  demo-data Load the demo clinic (or, with --patients/--observations, benchmark data)\n"
        "  alerts    evaluate: run the alert rules over the readings already stored (idempotent)\n"
        "  audit     verify: check the audit chain and its anchor; anchor: anchor its head now\n"
        "  keys      list, rotate, retire KEY_ID: the key ring in --secret-key-file\n"
        "  import    medicines: load or update the pharmacy catalogue from --datasets\n"
        "  pharmacy  verify: check every lot's stock and open order against the ledger\n"
        "  version   Print the version\n"
        "  help      Show this help, or 'vitalis help COMMAND' for a command's options\n\n"
        "Every option can also be set in the environment as VITALIS_<NAME> (for example\n"
        "--db-pool-size becomes VITALIS_DB_POOL_SIZE). Flags win over the environment, which wins\n"
        "over defaults.\n";
    return out;
  }
  if (const auto* actions = find_actions(command)) {
    out = "Usage: vitalis " + std::string(command) + " ACTION [options]\n\nActions:";
    for (auto action : actions->actions) out += " " + std::string(action);
    out += "\n\nOptions:\n";
  } else {
    out = "Usage: vitalis " + std::string(command) + " [options]\n\nOptions:\n";
  }
  for (const auto& spec : option_specs()) {
    if (!accepts(spec, command)) continue;
    std::string flag = "  --" + std::string(spec.name) + "=VALUE";
    out += flag;
    out += std::string(flag.size() < 32 ? 32 - flag.size() : 1, ' ');
    out += std::string(spec.help) + "\n";
    out += std::string(32, ' ') + "env " + env_name(spec.name) + ", default '" +
           std::string(spec.default_value) + "'\n";
  }
  return out;
}

}  // namespace vitalis::app
