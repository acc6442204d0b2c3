// vitalis: composes the modules and runs a subcommand. No logic of its own lives here.
#include <chrono>
#include <iostream>

#include "app/config.hpp"
#include "app/system_routes.hpp"
#include "core/log.hpp"
#include "db/migrate.hpp"
#include "http/server.hpp"

namespace {

using namespace vitalis;

int fail(const Error& error) {
  log::flush();
  std::cerr << "vitalis: " << error.message << "\n";
  return 2;
}

Result<std::unique_ptr<db::Pool>> open_database(const app::Config& config) {
  auto pool = db::Pool::open(config.database);
  if (!pool.ok()) return pool.error();
  log::info("database opened", {{"database", db::redact_url(config.database.url)},
                                {"pool_size", config.database.pool_size}});
  return pool;
}

int run_migrate(const app::Config& config) {
  auto pool = open_database(config);
  if (!pool.ok()) return fail(pool.error());
  auto report = db::migrate(**pool);
  if (!report.ok()) return fail(report.error());
  log::info("migrations done",
            {{"applied", report->applied}, {"version", report->current_version}});
  log::flush();
  return 0;
}

int run_serve(const app::Config& config, std::chrono::steady_clock::time_point started) {
  auto pool = open_database(config);
  if (!pool.ok()) return fail(pool.error());
  if (config.migrate_on_serve) {
    auto report = db::migrate(**pool);
    if (!report.ok()) return fail(report.error());
    log::info("migrations done",
              {{"applied", report->applied}, {"version", report->current_version}});
  }
  http::Metrics metrics;
  http::Router router;
  app::add_system_routes(router, **pool, metrics);
  app::add_demo_routes(router, **pool);

  http::Server server(config.server, router, metrics);
  auto port = server.listen();
  if (!port.ok()) return fail(port.error());
  auto startup = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  log::info("listening", {{"host", config.server.host},
                          {"port", *port},
                          {"url", "http://" + config.server.host + ":" + std::to_string(*port)},
                          {"startup_ms", startup.count()}});
  server.run();
  log::flush();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  auto started = std::chrono::steady_clock::now();
  std::vector<std::string> args(argv + 1, argv + argc);
  auto invocation = app::parse_command_line(args, app::process_env);
  if (!invocation.ok()) {
    std::cerr << "vitalis: " << invocation.error().message << "\n";
    return 2;
  }
  const auto& command = invocation->command;
  if (command == "help" || invocation->values.count("help")) {
    auto topic = invocation->values.count("topic") ? invocation->values.at("topic")
                                                   : (command == "help" ? "" : command);
    std::cout << app::help_text(topic);
    return 0;
  }
  if (command == "version") {
    std::cout << "vitalis " << VITALIS_VERSION << "\n";
    return 0;
  }
  auto config = app::build_config(*invocation);
  if (!config.ok()) {
    std::cerr << "vitalis: " << config.error().message << "\n";
    return 2;
  }
  log::set_level(config->log_level);
  if (command == "migrate") return run_migrate(*config);
  return run_serve(*config, started);
}
