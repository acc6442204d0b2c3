#include "chat/pg_bus.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include "core/log.hpp"

namespace vitalis::chat {

namespace {
constexpr const char* kChannel = "vitalis_chat";
}

struct PgBus::Connection {
  PGconn* conn = nullptr;
  ~Connection() { close(); }
  void close() {
    if (conn != nullptr) PQfinish(conn);
    conn = nullptr;
  }
  bool open(const std::string& conninfo) {
    close();
    conn = PQconnectdb(conninfo.c_str());
    if (PQstatus(conn) != CONNECTION_OK) {
      log::warn("chat bus: cannot reach PostgreSQL", {{"detail", PQerrorMessage(conn)}});
      close();
      return false;
    }
    return true;
  }
  bool ok() const { return conn != nullptr && PQstatus(conn) == CONNECTION_OK; }
  bool command(const char* sql) {
    PGresult* result = PQexec(conn, sql);
    bool done =
        PQresultStatus(result) == PGRES_COMMAND_OK || PQresultStatus(result) == PGRES_TUPLES_OK;
    PQclear(result);
    return done;
  }
};

PgBus::PgBus(std::string conninfo, std::string origin, Handler on_events)
    : conninfo_(std::move(conninfo)),
      origin_(std::move(origin)),
      on_events_(std::move(on_events)),
      listener_(std::make_unique<Connection>()),
      publisher_(std::make_unique<Connection>()) {}

PgBus::~PgBus() { stop(); }

Status PgBus::start() {
  if (!listener_->open(conninfo_) || !listener_->command("LISTEN vitalis_chat")) {
    return Error::unavailable("the chat bus cannot listen on PostgreSQL");
  }
  {
    std::lock_guard lock(publish_mutex_);
    if (!publisher_->open(conninfo_)) {
      return Error::unavailable("the chat bus cannot publish on PostgreSQL");
    }
  }
  thread_ = std::thread([this] { listen_loop(); });
  return Ok{};
}

void PgBus::stop() {
  if (stopping_.exchange(true)) return;
  if (thread_.joinable()) thread_.join();
}

void PgBus::publish(const std::string& payload) {
  std::string text = origin_ + " " + payload;
  std::lock_guard lock(publish_mutex_);
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!publisher_->ok() && !publisher_->open(conninfo_)) return;
    const char* values[] = {kChannel, text.c_str()};
    PGresult* result = PQexecParams(publisher_->conn, "SELECT pg_notify($1, $2)", 2, nullptr,
                                    values, nullptr, nullptr, 0);
    bool done = PQresultStatus(result) == PGRES_TUPLES_OK;
    PQclear(result);
    if (done) return;
    publisher_->close();  // reconnect once
  }
  log::warn("chat bus: an event was not published", {});
}

void PgBus::listen_loop() {
  while (!stopping_.load()) {
    if (!listener_->ok()) {
      std::this_thread::sleep_for(std::chrono::seconds(1));
      if (!listener_->open(conninfo_) || !listener_->command("LISTEN vitalis_chat")) continue;
      log::info("chat bus: listening again", {});
    }
    pollfd watched{PQsocket(listener_->conn), POLLIN, 0};
    int ready = ::poll(&watched, 1, 500);
    if (ready < 0) continue;
    if (ready > 0 && PQconsumeInput(listener_->conn) == 0) {
      log::warn("chat bus: lost the connection", {{"detail", PQerrorMessage(listener_->conn)}});
      listener_->close();
      continue;
    }
    // Everything that arrived is handled together (under load, many events at once).
    std::vector<std::string> events;
    while (PGnotify* note = PQnotifies(listener_->conn)) {
      std::string_view text(note->extra);
      auto space = text.find(' ');
      if (space != std::string_view::npos && text.substr(0, space) != origin_) {
        events.emplace_back(text.substr(space + 1));
      }
      PQfreemem(note);
    }
    if (events.empty()) continue;
    try {
      on_events_(events);
    } catch (const std::exception& error) {
      log::error("chat bus: events failed",
                 {{"detail", error.what()}, {"events", static_cast<std::int64_t>(events.size())}});
    }
  }
}

}  // namespace vitalis::chat
