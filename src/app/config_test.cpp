// Flags > environment > defaults, and clear errors naming the option.
#include "app/config.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace vitalis::app {
namespace {

std::string fake_env(std::string_view name) {
  if (name == "VITALIS_PORT") return "9090";
  if (name == "VITALIS_THREADS") return "3";
  return {};
}

std::string no_env(std::string_view) { return {}; }

TEST(ConfigTest, FlagsBeatEnvironmentWhichBeatsDefaults) {
  auto invocation = parse_command_line({"serve", "--threads=1"}, fake_env);
  ASSERT_TRUE(invocation.ok()) << invocation.error().message;
  EXPECT_EQ(invocation->values.at("threads"), "1");
  EXPECT_EQ(invocation->sources.at("threads"), "flag");
  EXPECT_EQ(invocation->values.at("port"), "9090");
  EXPECT_EQ(invocation->sources.at("port"), "env");
  EXPECT_EQ(invocation->values.at("database"), "sqlite:var/vitalis.db");
  EXPECT_EQ(invocation->sources.at("database"), "default");
  auto config = build_config(*invocation);
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->server.port, 9090);
  EXPECT_EQ(config->server.threads, 1);
  EXPECT_EQ(config->server.blocking_threads, 4);
  // SQLite: quick routes run on the one network thread, which needs a connection of its own,
  // as do the 4 blocking threads and the audit sealer.
  EXPECT_TRUE(config->server.run_quick_routes_inline);
  EXPECT_EQ(config->database.pool_size, 6);
}

TEST(ConfigTest, PostgresqlRunsEveryDatabaseRouteOnTheBlockingPool) {
  auto invocation =
      parse_command_line({"serve", "--threads=2", "--database=postgresql://h/db"}, no_env);
  ASSERT_TRUE(invocation.ok());
  auto config = build_config(*invocation);
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_FALSE(config->server.run_quick_routes_inline);
  EXPECT_EQ(config->server.blocking_threads, 8);
  EXPECT_EQ(config->database.pool_size, 9);  // the blocking threads and the audit sealer
  // At most 32 blocking threads, within PostgreSQL's default max_connections.
  auto big = parse_command_line({"serve", "--threads=16", "--database=postgresql://h/db"}, no_env);
  ASSERT_TRUE(big.ok());
  auto big_config = build_config(*big);
  ASSERT_TRUE(big_config.ok()) << big_config.error().message;
  EXPECT_EQ(big_config->server.blocking_threads, 32);
}

TEST(ConfigTest, AcceptsSpaceSeparatedValues) {
  auto invocation = parse_command_line({"migrate", "--database", "postgresql://h/db"}, no_env);
  ASSERT_TRUE(invocation.ok());
  EXPECT_EQ(invocation->values.at("database"), "postgresql://h/db");
  EXPECT_EQ(invocation->values.count("port"), 0u);  // serve-only option
}

TEST(ConfigTest, RejectsUnknownCommandsOptionsAndBadValues) {
  EXPECT_FALSE(parse_command_line({"launch"}, no_env).ok());
  auto unknown = parse_command_line({"serve", "--colour=blue"}, no_env);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().field, "colour");
  EXPECT_FALSE(parse_command_line({"migrate", "--port=1"}, no_env).ok());
  EXPECT_FALSE(parse_command_line({"serve", "--port"}, no_env).ok());

  for (auto flag :
       {"--port=70000", "--port=12ab", "--threads=-1", "--access-log=maybe", "--database=mysql://x",
        "--cors-origins=*", "--log-level=loud", "--sqlite-synchronous=OFF"}) {
    auto invocation = parse_command_line({"serve", flag}, no_env);
    ASSERT_TRUE(invocation.ok()) << flag;
    EXPECT_FALSE(build_config(*invocation).ok()) << flag;
  }
}

TEST(ConfigTest, HelpListsEveryOptionWithItsEnvironmentName) {
  std::string help = help_text("serve");
  for (const auto& spec : option_specs()) {
    bool for_serve =
        std::find(spec.commands.begin(), spec.commands.end(), "serve") != spec.commands.end();
    if (!for_serve) continue;
    EXPECT_NE(help.find("--" + std::string(spec.name)), std::string::npos) << spec.name;
    EXPECT_NE(help.find(env_name(spec.name)), std::string::npos) << spec.name;
  }
  EXPECT_EQ(env_name("db-pool-size"), "VITALIS_DB_POOL_SIZE");
}

TEST(ConfigTest, TwoWordCommandsTakeTheirGroupsOptions) {
  auto create = parse_command_line({"user", "create-admin", "--email=a@example.org", "--full-name",
                                    "Ada", "--argon2-opslimit=3"},
                                   no_env);
  ASSERT_TRUE(create.ok()) << create.error().message;
  EXPECT_EQ(create->command, "user");
  EXPECT_EQ(create->values.at("action"), "create-admin");
  EXPECT_EQ(create->values.at("email"), "a@example.org");
  EXPECT_EQ(create->values.at("secret-key-file"), "var/secret.key");
  auto config = build_config(*create);
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->password_cost.opslimit, 3u);
  EXPECT_EQ(config->password_cost.memlimit, 64u * 1024 * 1024);

  auto verify = parse_command_line({"audit", "verify", "--database=sqlite:x.db"}, no_env);
  ASSERT_TRUE(verify.ok()) << verify.error().message;
  EXPECT_EQ(verify->values.at("action"), "verify");
  EXPECT_FALSE(parse_command_line({"audit", "erase"}, no_env).ok());
  EXPECT_FALSE(parse_command_line({"audit", "verify", "--port=1"}, no_env).ok());
  auto tiny = parse_command_line({"serve", "--argon2-memlimit-mb=1"}, no_env);
  ASSERT_TRUE(tiny.ok());
  EXPECT_FALSE(build_config(*tiny).ok());
}

// argon2id below the OWASP minimum is refused at start unless a test suite says so by name.
TEST(ConfigTest, PasswordHashingBelowTheOwaspMinimumIsRefused) {
  EXPECT_TRUE(meets_owasp_argon2_minimum(2, 19));
  EXPECT_TRUE(meets_owasp_argon2_minimum(1, 46));
  EXPECT_TRUE(meets_owasp_argon2_minimum(5, 7));
  EXPECT_TRUE(meets_owasp_argon2_minimum(2, 64));  // the default
  EXPECT_FALSE(meets_owasp_argon2_minimum(2, 18));
  EXPECT_FALSE(meets_owasp_argon2_minimum(1, 45));
  EXPECT_FALSE(meets_owasp_argon2_minimum(1, 8));
  auto config_of = [](std::vector<std::string> args) {
    args.insert(args.begin(), "serve");
    auto invocation = parse_command_line(args, no_env);
    EXPECT_TRUE(invocation.ok());
    return build_config(*invocation);
  };
  auto weak = config_of({"--argon2-opslimit=1", "--argon2-memlimit-mb=8"});
  ASSERT_FALSE(weak.ok());
  EXPECT_EQ(weak.error().field, "argon2-memlimit-mb");
  EXPECT_NE(weak.error().message.find("below the OWASP minimum"), std::string::npos);
  EXPECT_NE(weak.error().message.find("--test-only-weak-password-hashing"), std::string::npos);
  EXPECT_FALSE(config_of({"--argon2-opslimit=2", "--argon2-memlimit-mb=16"}).ok());
  auto sound = config_of({"--argon2-opslimit=2", "--argon2-memlimit-mb=19"});
  ASSERT_TRUE(sound.ok());
  EXPECT_FALSE(sound->weak_password_hashing);
  auto test_only = config_of(
      {"--argon2-opslimit=1", "--argon2-memlimit-mb=8", "--test-only-weak-password-hashing=true"});
  ASSERT_TRUE(test_only.ok()) << test_only.error().message;
  EXPECT_TRUE(test_only->weak_password_hashing);
  EXPECT_EQ(test_only->password_cost.memlimit, 8u * 1024 * 1024);
}

// A PostgreSQL server on another host must be reached over TLS; the server warns otherwise.
TEST(ConfigTest, WarnsWhenARemotePostgresqlUrlDoesNotRequireTls) {
  for (const char* quiet : {
           "sqlite:var/vitalis.db",
           "postgresql://v:pw@localhost/vitalis",
           "postgresql://v@127.0.0.1:5432/vitalis",
           "postgresql://v@[::1]:5432/vitalis",
           "postgresql:///vitalis?host=/var/run/postgresql",
           "postgresql://v@%2Fvar%2Frun%2Fpostgresql/vitalis",
           "postgresql://v:pw@db.example.org/vitalis?sslmode=verify-full&sslrootcert=/etc/ca.pem",
           "postgres://v@10.0.0.5/vitalis?sslmode=require",
           "postgresql://v@db.example.org/vitalis?connect_timeout=5&sslmode=verify-ca",
       }) {
    EXPECT_EQ(database_tls_warning(quiet, ""), std::nullopt) << quiet;
  }
  for (const char* loud : {
           "postgresql://v:pw@db.example.org/vitalis",
           "postgresql://v@10.0.0.5:5432/vitalis?sslmode=prefer",
           "postgresql://v@db.example.org/vitalis?sslmode=disable",
           "postgresql://v@localhost,db2.example.org/vitalis",
           "postgres://v@[2001:db8::5]/vitalis",
           "postgresql://v@localhost/vitalis?host=db.example.org",
       }) {
    auto warning = database_tls_warning(loud, "");
    ASSERT_TRUE(warning.has_value()) << loud;
    EXPECT_NE(warning->find("sslmode=verify-full"), std::string::npos);
  }
  // libpq reads PGSSLMODE when the URL names no sslmode; the URL's own wins.
  EXPECT_EQ(database_tls_warning("postgresql://v@db.example.org/v", "verify-full"), std::nullopt);
  EXPECT_TRUE(database_tls_warning("postgresql://v@db.example.org/v?sslmode=allow", "require"));
}

// Issue 16: `keys` commands (retire takes the key id as a word), and the audit anchor beside the
// key file unless named.
TEST(ConfigTest, KeyCommandsAndTheAuditAnchorFile) {
  auto retire =
      parse_command_line({"keys", "retire", "0a1b2c3d", "--secret-key-file=/k/s.key"}, no_env);
  ASSERT_TRUE(retire.ok()) << retire.error().message;
  EXPECT_EQ(retire->values.at("action"), "retire");
  EXPECT_EQ(retire->values.at("key-id"), "0a1b2c3d");
  auto config = build_config(*retire);
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->audit_anchor_file, "/k/audit.anchor");
  EXPECT_FALSE(parse_command_line({"keys", "retire", "a", "b"}, no_env).ok());
  EXPECT_FALSE(parse_command_line({"keys", "erase"}, no_env).ok());
  EXPECT_TRUE(parse_command_line({"keys", "rotate"}, no_env).ok());
  auto serve = parse_command_line(
      {"serve", "--audit-anchor-file=/elsewhere/a", "--audit-anchor-seconds=5"}, no_env);
  ASSERT_TRUE(serve.ok()) << serve.error().message;
  config = build_config(*serve);
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->audit_anchor_file, "/elsewhere/a");
  EXPECT_EQ(config->audit_anchor_seconds, 5);
  auto anchor = parse_command_line({"audit", "anchor"}, no_env);
  ASSERT_TRUE(anchor.ok());
  EXPECT_EQ(build_config(*anchor)->audit_anchor_file, "var/audit.anchor");
}

// A password must never cross the network in clear: with credentials, smtp:// requires STARTTLS
// unless the operator turns it off by name; without them (a local relay) nothing changes.
TEST(ConfigTest, SmtpCredentialsRequireStarttlsByDefault) {
  auto starttls = [](std::vector<std::string> args) {
    args.insert(args.begin(), "serve");
    auto invocation = parse_command_line(args, no_env);
    EXPECT_TRUE(invocation.ok());
    auto config = build_config(*invocation);
    EXPECT_TRUE(config.ok()) << config.error().message;
    return config.ok() && config->mail.starttls;
  };
  EXPECT_FALSE(starttls({"--smtp-url=smtp://relay:25"}));
  EXPECT_TRUE(starttls({"--smtp-url=smtp://mail.example:587", "--smtp-user=clinic"}));
  EXPECT_TRUE(starttls({"--smtp-url=smtp://mail.example:587", "--smtp-password=x"}));
  EXPECT_TRUE(starttls({"--smtp-url=smtp://clinic:secret@mail.example:587"}));
  EXPECT_FALSE(starttls({"--smtp-url=smtps://mail.example:465", "--smtp-user=clinic"}));
  EXPECT_FALSE(starttls(
      {"--smtp-url=smtp://mail.example:587", "--smtp-user=clinic", "--smtp-starttls=false"}));
  EXPECT_TRUE(starttls({"--smtp-url=smtp://relay:25", "--smtp-starttls=true"}));
}

Result<Config> serve_config(std::vector<std::string> args) {
  args.insert(args.begin(), "serve");
  auto invocation = parse_command_line(args, no_env);
  if (!invocation.ok()) return invocation.error();
  return build_config(*invocation);
}

TEST(ConfigTest, TheMailBackoffIsConfigurable) {
  auto defaults = serve_config({});
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->mail.retry_base, std::chrono::seconds(30));
  EXPECT_EQ(defaults->mail.retry_cap, std::chrono::hours(1));
  auto quick = serve_config({"--outbox-retry-base-ms=500", "--outbox-retry-max-ms=2000"});
  ASSERT_TRUE(quick.ok()) << quick.error().message;
  EXPECT_EQ(quick->mail.retry_base, std::chrono::milliseconds(500));
  EXPECT_EQ(quick->mail.retry_cap, std::chrono::milliseconds(2000));
  auto inverted = serve_config({"--outbox-retry-base-ms=5000", "--outbox-retry-max-ms=2000"});
  ASSERT_FALSE(inverted.ok());
  EXPECT_EQ(inverted.error().field, "outbox-retry-max-ms");
  EXPECT_FALSE(serve_config({"--outbox-retry-base-ms=0"}).ok());
}

TEST(ConfigTest, ServeTakesTheConnectionCapPublicUrlAndMetricsToken) {
  auto defaults = serve_config({});
  ASSERT_TRUE(defaults.ok()) << defaults.error().message;
  EXPECT_EQ(defaults->server.max_connections, 0u);  // derived from the open-file limit
  EXPECT_EQ(defaults->server.public_url, "http://127.0.0.1:8080");
  EXPECT_EQ(defaults->metrics_token, "");
  auto set = serve_config({"--max-connections=50", "--public-url=https://clinic.example/",
                           "--metrics-token=0123456789abcdef"});
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_EQ(set->server.max_connections, 50u);
  EXPECT_EQ(set->server.public_url, "https://clinic.example/");
  EXPECT_EQ(set->metrics_token, "0123456789abcdef");
  // HTTPS follows the public URL unless --https says otherwise; HSTS lasts a year by default.
  EXPECT_FALSE(defaults->server.https);
  EXPECT_EQ(defaults->server.hsts_seconds, 31536000);
  EXPECT_TRUE(set->server.https);
  auto forced = serve_config({"--https=true", "--hsts-seconds=0"});
  ASSERT_TRUE(forced.ok()) << forced.error().message;
  EXPECT_TRUE(forced->server.https);
  EXPECT_EQ(forced->server.hsts_seconds, 0);
  auto off = serve_config({"--https=false", "--public-url=HTTPS://clinic.example/"});
  ASSERT_TRUE(off.ok()) << off.error().message;
  EXPECT_FALSE(off->server.https);
  EXPECT_FALSE(serve_config({"--https=maybe"}).ok());

  auto path = std::filesystem::temp_directory_path() / "vitalis_config_test_metrics.token";
  std::ofstream(path) << "from-a-file-0123456789\r\nsecond line\n";
  auto from_file = serve_config({"--metrics-token-file=" + path.string()});
  ASSERT_TRUE(from_file.ok()) << from_file.error().message;
  EXPECT_EQ(from_file->metrics_token, "from-a-file-0123456789");
  auto both =
      serve_config({"--metrics-token-file=" + path.string(), "--metrics-token=0123456789abcdef"});
  ASSERT_FALSE(both.ok());
  EXPECT_EQ(both.error().field, "metrics-token-file");
  std::filesystem::remove(path);

  auto missing = serve_config({"--metrics-token-file=" + path.string()});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().field, "metrics-token-file");
  auto short_token = serve_config({"--metrics-token=secret-but-15ch"});
  ASSERT_FALSE(short_token.ok());
  EXPECT_EQ(short_token.error().field, "metrics-token");
  EXPECT_EQ(short_token.error().message.find("secret-but-15ch"), std::string::npos);
  EXPECT_FALSE(serve_config({"--max-connections=-1"}).ok());
}

TEST(ConfigTest, SplitsCorsOrigins) {
  auto invocation =
      parse_command_line({"serve", "--cors-origins= https://a.example ,https://b.example"}, no_env);
  ASSERT_TRUE(invocation.ok());
  auto config = build_config(*invocation);
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->server.cors_origins,
            (std::vector<std::string>{"https://a.example", "https://b.example"}));
}

}  // namespace
}  // namespace vitalis::app
