// Load client for the chat WebSocket (/ws/chat, docs/API.md "Chat"), driven by bench/chat.py:
// signs in the accounts of a pairs file over HTTP, opens authenticated sockets and measures one
// of: idle sockets and the server's memory per socket, end-to-end delivery latency at a fixed
// rate, stored and delivered messages per second, delivery between two server processes.
// Single-threaded (one io_context, coroutines): its own CPU time is reported beside the figures.
//
//   chat_load --mode=idle|latency|throughput|cross --port=P [--port-b=Q] --pairs-file=FILE
//             --password=PW [options, see kUsage]
//
// The pairs file has one "patient_email doctor_email" line per conversation (bench/chat.py loads
// the accounts, their care links and conversations). The last line printed is
// "RESULT key=value ..." for the driver; the rest goes to standard error.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace websocket = beast::websocket;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

constexpr std::string_view kUsage = R"(options:
  --mode=idle|latency|throughput|cross
  --host=127.0.0.1 --port=P        the server (sign-in, senders; cross: server A)
  --port-b=Q                       cross: server B, where the receivers are
  --pairs-file=FILE --password=PW  "patient_email doctor_email" per line
  --pairs=N                        conversations used (default: all lines)
  --sockets=N                      idle: sockets to hold, spread over the pairs' accounts
  --patient-devices=N              sockets per patient (the first sends; default 1)
  --doctor-devices=N               sockets per doctor (receivers; default 1)
  --rate=R                         latency, cross: messages per second in all (default 1000)
  --window=W                       throughput: messages in flight per sender (default 8)
  --duration=S --warmup=S          measured seconds, and seconds before them (10, 2)
  --text-bytes=B                   message text length (default 100)
  --server-pid=PID[,PID]           read RSS and CPU time from /proc (idle: required)
  --db-pid=PID                     the PostgreSQL postmaster: its and its children's CPU time
  --settle=S --hold=S              idle: seconds before measuring, and holding after (10, 40)
  --signin-workers=N               parallel sign-ins (default 8)
  --address-prefix=A.B             X-Forwarded-For of the sign-ins: A.B.x.y, 20 per address
                                   (default 10.9; a new prefix for each run on one database)
  --connect-window=N               sockets opening at once (default 200)
  --trace=FILE                     latency, cross: one line per send ("s"), ack ("a") and
                                   delivery ("d"): ms from the start to its time, delay in ms)";

// ---- options -------------------------------------------------------------------------------

struct Options {
  std::string mode;
  std::string host = "127.0.0.1";
  unsigned short port = 0, port_b = 0;
  std::string pairs_file, password;
  std::size_t pairs = 0, sockets = 0;
  int patient_devices = 1, doctor_devices = 1;
  double rate = 1000;
  int window = 8;
  double duration = 10, warmup = 2;
  std::size_t text_bytes = 100;
  std::vector<int> server_pids;
  int db_pid = 0;
  double settle = 10, hold = 40;
  int signin_workers = 8, connect_window = 200;
  std::string address_prefix = "10.9";
  std::string trace;
};

[[noreturn]] void fail(const std::string& why) {
  std::cerr << "chat_load: " << why << "\n";
  std::exit(1);
}

Options parse_options(int argc, char** argv) {
  std::map<std::string, std::string> given;
  for (int index = 1; index < argc; ++index) {
    std::string_view arg = argv[index];
    auto equals = arg.find('=');
    if (!arg.starts_with("--") || equals == std::string_view::npos) {
      fail("expected --name=value, got " + std::string(arg) + "\n" + std::string(kUsage));
    }
    given[std::string(arg.substr(2, equals - 2))] = std::string(arg.substr(equals + 1));
  }
  Options out;
  auto take = [&](const char* name, auto& into) {
    auto found = given.find(name);
    if (found == given.end()) return;
    if constexpr (std::is_same_v<std::decay_t<decltype(into)>, std::string>) {
      into = found->second;
      given.erase(found);
      return;
    }
    std::istringstream in(found->second);
    in >> into;
    if (!in || !in.eof()) fail(std::string("bad value for --") + name);
    given.erase(found);
  };
  take("mode", out.mode);
  take("host", out.host);
  take("port", out.port);
  take("port-b", out.port_b);
  take("pairs-file", out.pairs_file);
  take("password", out.password);
  take("pairs", out.pairs);
  take("sockets", out.sockets);
  take("patient-devices", out.patient_devices);
  take("doctor-devices", out.doctor_devices);
  take("rate", out.rate);
  take("window", out.window);
  take("duration", out.duration);
  take("warmup", out.warmup);
  take("text-bytes", out.text_bytes);
  take("settle", out.settle);
  take("hold", out.hold);
  take("signin-workers", out.signin_workers);
  take("connect-window", out.connect_window);
  take("address-prefix", out.address_prefix);
  take("trace", out.trace);
  take("db-pid", out.db_pid);
  if (auto pids = given.find("server-pid"); pids != given.end()) {
    std::istringstream in(pids->second);
    for (std::string one; std::getline(in, one, ',');) out.server_pids.push_back(std::stoi(one));
    given.erase(pids);
  }
  if (!given.empty()) fail("unknown option --" + given.begin()->first + "\n" + std::string(kUsage));
  if (out.mode != "idle" && out.mode != "latency" && out.mode != "throughput" &&
      out.mode != "cross") {
    fail("--mode must be idle, latency, throughput or cross\n" + std::string(kUsage));
  }
  if (out.port == 0 || out.pairs_file.empty() || out.password.empty()) {
    fail("--port, --pairs-file and --password are required");
  }
  if (out.mode == "cross" && out.port_b == 0) fail("--mode=cross needs --port-b");
  if (out.mode == "idle" && (out.sockets == 0 || out.server_pids.empty())) {
    fail("--mode=idle needs --sockets and --server-pid");
  }
  if (out.text_bytes < 24 || out.text_bytes > 4000) fail("--text-bytes must be 24 to 4000");
  return out;
}

// ---- measurements ----------------------------------------------------------------------------

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

double percentile_ms(std::vector<std::int64_t>& values, double fraction) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  auto index = std::min(values.size() - 1, static_cast<std::size_t>(fraction * values.size()));
  return static_cast<double>(values[index]) / 1e6;
}

// A field of /proc/PID/status in kB (VmRSS, VmHWM), or -1.
long proc_status_kb(int pid, std::string_view field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with(field) && line.size() > field.size() && line[field.size()] == ':') {
      return std::atol(line.c_str() + field.size() + 1);
    }
  }
  return -1;
}

long rss_kb(const std::vector<int>& pids) {
  long total = 0;
  for (int pid : pids) total += proc_status_kb(pid, "VmRSS");
  return total;
}

// A process's parent and user + system CPU seconds (fields 4, 14 and 15 of /proc/PID/stat).
struct ProcessTimes {
  int parent = 0;
  double cpu = 0;
};
ProcessTimes process_times(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto paren = stat.rfind(')');
  if (paren == std::string::npos) return {};
  std::istringstream fields(stat.substr(paren + 2));
  std::string field;
  long parent = 0, utime = 0, stime = 0;
  for (int index = 3; index <= 15 && fields >> field; ++index) {
    if (index == 4) parent = std::atol(field.c_str());
    if (index == 14) utime = std::atol(field.c_str());
    if (index == 15) stime = std::atol(field.c_str());
  }
  return {static_cast<int>(parent),
          static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK))};
}

double cpu_seconds(const std::vector<int>& pids) {
  double total = 0;
  for (int pid : pids) total += process_times(pid).cpu;
  return total;
}

// The PostgreSQL postmaster's CPU seconds and its children's (the backends of all connections).
double tree_cpu_seconds(int root) {
  if (root == 0) return 0;
  double total = process_times(root).cpu;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    int pid = std::atoi(entry.path().filename().c_str());
    if (pid <= 0) continue;
    auto times = process_times(pid);
    if (times.parent == root) total += times.cpu;
  }
  return total;
}

// Busy CPU seconds of the whole machine, all cores (/proc/stat: all but idle and iowait).
double machine_cpu_seconds() {
  std::ifstream in("/proc/stat");
  std::string cpu;
  in >> cpu;
  long long value = 0, busy = 0;
  for (int index = 0; index < 8 && in >> value; ++index) {
    if (index != 3 && index != 4) busy += value;  // user nice system idle iowait irq softirq steal
  }
  return static_cast<double>(busy) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double own_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& tv) { return tv.tv_sec + tv.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// The kernel's slab memory (/proc/meminfo): socket, file and epoll structures, system-wide.
long slab_kb() {
  std::ifstream in("/proc/meminfo");
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("Slab:")) return std::atol(line.c_str() + 5);
  }
  return -1;
}

long own_max_rss_kb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

// Kernel memory of all TCP sockets' buffers (pages, /proc/net/sockstat), not in any process's
// RSS.
long tcp_memory_kb() {
  std::ifstream in("/proc/net/sockstat");
  for (std::string line; std::getline(in, line);) {
    if (!line.starts_with("TCP:")) continue;
    auto at = line.find(" mem ");
    if (at != std::string::npos) return std::atol(line.c_str() + at + 5) * (getpagesize() / 1024);
  }
  return -1;
}

// Where the machine's CPU went during a measured window, in % of one core: the server(s), this
// client, PostgreSQL (with --db-pid) and everything else (other programs on the machine).
class CpuMeter {
 public:
  CpuMeter(const std::vector<int>& server_pids, int db_pid)
      : server_pids_(server_pids), db_pid_(db_pid) {}
  void start() {
    started_ = Clock::now();
    server_ = cpu_seconds(server_pids_);
    own_ = own_cpu_seconds();
    db_ = tree_cpu_seconds(db_pid_);
    machine_ = machine_cpu_seconds();
  }
  std::string report() const {
    double seconds = seconds_since(started_);
    double server = cpu_seconds(server_pids_) - server_, own = own_cpu_seconds() - own_;
    double db = tree_cpu_seconds(db_pid_) - db_, machine = machine_cpu_seconds() - machine_;
    char line[256];
    std::snprintf(line, sizeof line,
                  " server_cpu_pct=%.0f client_cpu_pct=%.0f db_cpu_pct=%.0f other_cpu_pct=%.0f",
                  100 * server / seconds, 100 * own / seconds, 100 * db / seconds,
                  100 * std::max(0.0, machine - server - own - db) / seconds);
    return line;
  }

 private:
  std::vector<int> server_pids_;
  int db_pid_;
  Clock::time_point started_;
  double server_ = 0, own_ = 0, db_ = 0, machine_ = 0;
};

// ---- accounts and sockets --------------------------------------------------------------------

struct Account {
  std::string email;
  std::string token;
  std::int64_t id = 0;
};

// One WebSocket of an account. Only the writer coroutine writes; only the reader reads.
struct Peer {
  explicit Peer(asio::io_context& ioc) : ws(ioc), wake(ioc) {}
  websocket::stream<beast::tcp_stream> ws;
  beast::flat_buffer buffer;
  std::size_t account = 0;
  std::size_t pair = 0;
  bool patient = false, sender = false;
  std::int64_t conversation = 0;
  bool open = false;
  std::deque<std::string> outbox;
  bool writing = false;
  int in_flight = 0;        // sent, not acknowledged
  asio::steady_timer wake;  // throughput: a sender waiting for an ack
  std::int64_t next_message = 0;
};

class Load {
 public:
  explicit Load(Options options) : options_(std::move(options)) {}

  int run();

 private:
  void read_pairs();
  asio::awaitable<void> sign_in_all(std::size_t count);
  asio::awaitable<void> sign_in_worker(std::size_t count);
  // Opens the sockets; `report` adds their number and rate to the RESULT line.
  asio::awaitable<void> open_all(std::vector<std::shared_ptr<Peer>>& peers, bool report = true);
  asio::awaitable<bool> open(std::shared_ptr<Peer> peer, unsigned short port);
  asio::awaitable<void> read_loop(std::shared_ptr<Peer> peer);
  void on_event(Peer& peer, std::string_view text);
  void enqueue(const std::shared_ptr<Peer>& peer, std::string text);
  asio::awaitable<void> drain(std::shared_ptr<Peer> peer);
  std::string message_text(std::int64_t intended_ns);
  std::string send_frame(Peer& peer, std::int64_t intended_ns);
  asio::awaitable<void> sleep(double seconds);
  std::vector<std::shared_ptr<Peer>> make_peers(std::size_t pairs, bool cross);

  asio::awaitable<void> idle();
  asio::awaitable<void> paced(bool cross);
  asio::awaitable<void> throughput();
  asio::awaitable<void> close_all(std::vector<std::shared_ptr<Peer>>& peers);

  void result(const std::string& line) { result_ += line; }
  void trace(char kind, std::int64_t intended_ns, std::int64_t at_ns) {
    std::fprintf(trace_, "%c %.3f %.3f\n", kind, (intended_ns - window_start_ns_) / 1e6,
                 (at_ns - intended_ns) / 1e6);
  }

  Options options_;
  asio::io_context ioc_{1};
  tcp::endpoint endpoint_, endpoint_b_;
  std::vector<Account> accounts_;  // patient, doctor, patient, doctor, ...
  std::size_t next_signin_ = 0;
  std::size_t signins_done_ = 0;

  // Counters of the measured window (counting == true).
  bool counting = false;
  bool sending = false;
  std::int64_t sent_ = 0, acked_ = 0, delivered_ = 0, errors_ = 0, disconnects_ = 0;
  std::int64_t sent_total_ = 0, delivered_total_ = 0, acked_total_ = 0;
  std::int64_t measured_sent_ = 0;  // messages sent in the window (their deliveries are awaited)
  std::int64_t late_sends_ = 0;     // written more than 10 ms after their time (client lag)
  std::vector<std::int64_t> delivery_ns_, ack_ns_;
  std::int64_t window_start_ns_ = 0, window_end_ns_ = 0;
  std::string result_ = "RESULT";
  std::string padding_;
  std::FILE* trace_ = nullptr;
};

void Load::read_pairs() {
  std::ifstream in(options_.pairs_file);
  if (!in) fail("cannot read " + options_.pairs_file);
  for (std::string patient, doctor; in >> patient >> doctor;) {
    accounts_.push_back({patient, {}, 0});
    accounts_.push_back({doctor, {}, 0});
  }
  std::size_t available = accounts_.size() / 2;
  if (options_.pairs == 0) options_.pairs = available;
  if (options_.pairs > available) {
    fail("--pairs=" + std::to_string(options_.pairs) + " but the file has " +
         std::to_string(available));
  }
}

// Every account signs in once, from a different X-Forwarded-For address every 20 (the server's
// per-address sign-in budget is 30 in ten minutes; bench/chat.py trusts 127.0.0.1 as a proxy).
asio::awaitable<void> Load::sign_in_worker(std::size_t count) {
  beast::tcp_stream stream(co_await asio::this_coro::executor);
  beast::flat_buffer buffer;
  bool connected = false;
  while (next_signin_ < count) {
    std::size_t index = next_signin_++;
    Account& account = accounts_[index];
    for (int attempt = 0;; ++attempt) {
      if (!connected) {
        auto [ec] = co_await stream.async_connect(endpoint_, kTuple);
        if (ec) fail("connect: " + ec.message());
        connected = true;
      }
      bhttp::request<bhttp::string_body> request{bhttp::verb::post, "/api/v1/auth/signin", 11};
      request.set(bhttp::field::host, options_.host + ":" + std::to_string(options_.port));
      request.set(bhttp::field::content_type, "application/json");
      request.set("X-Forwarded-For", options_.address_prefix + "." + std::to_string(index / 5000) +
                                         "." + std::to_string((index / 20) % 250 + 1));
      request.body() =
          json::serialize(json::object{{"email", account.email}, {"password", options_.password}});
      request.prepare_payload();
      request.keep_alive(true);
      auto [write_ec, written] = co_await bhttp::async_write(stream, request, kTuple);
      bhttp::response<bhttp::string_body> response;
      boost::system::error_code read_ec = write_ec;
      if (!write_ec) {
        auto [ec, read] = co_await bhttp::async_read(stream, buffer, response, kTuple);
        read_ec = ec;
      }
      if (read_ec) {
        // The server closed a kept-alive connection: once more on a new one.
        stream.close();  // async_connect opens a new socket
        buffer.clear();
        connected = false;
        if (attempt < 2) continue;
        fail("sign-in of " + account.email + ": " + read_ec.message());
      }
      if (response.result_int() != 200) {
        fail("sign-in of " + account.email + ": HTTP " + std::to_string(response.result_int()) +
             " " + response.body());
      }
      auto reply = json::parse(response.body()).as_object();
      account.token = std::string(reply.at("access_token").as_string());
      account.id = reply.at("account").as_object().at("id").as_int64();
      if (!response.keep_alive()) {
        stream.close();
        connected = false;
      }
      break;
    }
    ++signins_done_;
  }
}

asio::awaitable<void> Load::sign_in_all(std::size_t count) {
  auto started = Clock::now();
  auto executor = co_await asio::this_coro::executor;
  int workers = std::max(1, options_.signin_workers);
  auto done = std::make_shared<int>(0);
  asio::steady_timer finished(executor, Clock::time_point::max());
  for (int worker = 0; worker < workers; ++worker) {
    asio::co_spawn(executor, sign_in_worker(count), [&, done](std::exception_ptr error) {
      if (error) std::rethrow_exception(error);
      if (++*done == workers) finished.cancel();
    });
  }
  co_await finished.async_wait(kTuple);
  double seconds = seconds_since(started);
  std::cerr << "signed in " << count << " accounts in " << seconds << " s (" << count / seconds
            << "/s)\n";
  result(" signins=" + std::to_string(count) + " signin_per_s=" + std::to_string(count / seconds));
}

std::string Load::message_text(std::int64_t intended_ns) {
  // "L <intended send time, ns on this process's steady clock> xxx...": the receivers read the
  // time back; the padding makes every message text_bytes long.
  std::string text = "L " + std::to_string(intended_ns) + " ";
  if (text.size() < options_.text_bytes)
    text += padding_.substr(0, options_.text_bytes - text.size());
  return text;
}

std::string Load::send_frame(Peer& peer, std::int64_t intended_ns) {
  json::object frame{
      {"type", "send"},
      {"conversation_id", peer.conversation},
      {"client_id", "b" + std::to_string(peer.account) + "-" + std::to_string(peer.next_message++) +
                        "-" + std::to_string(intended_ns)},
      {"text", message_text(intended_ns)}};
  return json::serialize(frame);
}

// Opens a socket and signs it in; true once `ready` came.
asio::awaitable<bool> Load::open(std::shared_ptr<Peer> peer, unsigned short port) {
  auto& ws = peer->ws;
  auto endpoint = port == options_.port ? endpoint_ : endpoint_b_;
  beast::get_lowest_layer(ws).expires_after(std::chrono::seconds(30));
  auto [connect_ec] = co_await beast::get_lowest_layer(ws).async_connect(endpoint, kTuple);
  if (connect_ec) {
    std::cerr << "connect: " << connect_ec.message() << "\n";
    co_return false;
  }
  beast::get_lowest_layer(ws).socket().set_option(tcp::no_delay(true));
  beast::get_lowest_layer(ws).expires_never();
  ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
  auto [handshake_ec] =
      co_await ws.async_handshake(options_.host + ":" + std::to_string(port), "/ws/chat", kTuple);
  if (handshake_ec) {
    std::cerr << "handshake: " << handshake_ec.message() << "\n";
    co_return false;
  }
  const Account& account = accounts_[peer->account];
  ws.text(true);
  std::string auth = json::serialize(json::object{{"type", "auth"}, {"token", account.token}});
  auto [auth_ec, auth_n] = co_await ws.async_write(asio::buffer(auth), kTuple);
  if (auth_ec) co_return false;
  for (;;) {
    auto [read_ec, n] = co_await ws.async_read(peer->buffer, kTuple);
    if (read_ec) {
      std::cerr << "no ready: " << read_ec.message() << " " << ws.reason().code << " "
                << ws.reason().reason << "\n";
      co_return false;
    }
    std::string text = beast::buffers_to_string(peer->buffer.data());
    peer->buffer.consume(peer->buffer.size());
    auto event = json::parse(text).as_object();
    if (event.at("type").as_string() != "ready") continue;  // e.g. a presence event first
    for (const auto& one : event.at("conversations").as_array()) {
      const auto& conversation = one.as_object();
      std::size_t other = peer->patient ? peer->account + 1 : peer->account - 1;
      if (conversation.at("other_id").as_int64() == accounts_[other].id) {
        peer->conversation = conversation.at("id").as_int64();
      }
    }
    if (peer->conversation == 0) fail(account.email + " has no conversation with its pair");
    peer->open = true;
    co_return true;
  }
}

asio::awaitable<void> Load::read_loop(std::shared_ptr<Peer> peer) {
  for (;;) {
    auto [ec, n] = co_await peer->ws.async_read(peer->buffer, kTuple);
    if (ec) break;
    auto data = peer->buffer.cdata();
    on_event(*peer, std::string_view(static_cast<const char*>(data.data()), data.size()));
    peer->buffer.consume(peer->buffer.size());
  }
  if (peer->open) {
    peer->open = false;
    ++disconnects_;
    if (disconnects_ <= 5) {
      std::cerr << "socket closed by the server: " << peer->ws.reason().code << " "
                << peer->ws.reason().reason << "\n";
    }
  }
  peer->wake.cancel();
}

// Reads the intended send time back from an event's message text ("text":"L <ns> ...").
std::int64_t intended_of(std::string_view event) {
  auto at = event.find("\"text\":\"L ");
  if (at == std::string_view::npos) return 0;
  std::int64_t value = 0;
  const char* begin = event.data() + at + 10;
  std::from_chars(begin, event.data() + event.size(), value);
  return value;
}

void Load::on_event(Peer& peer, std::string_view text) {
  // Our own events start {"type":"message" / {"type":"ack" (chat/json.cpp puts type first);
  // anything else (presence, receipt, typing) is not counted.
  if (text.starts_with(R"({"type":"message")")) {
    ++delivered_total_;
    std::int64_t intended = intended_of(text);
    if (intended >= window_start_ns_ && intended < window_end_ns_) {
      ++delivered_;
      delivery_ns_.push_back(now_ns() - intended);
      if (trace_) trace('d', intended, now_ns());
    }
  } else if (text.starts_with(R"({"type":"ack")")) {
    ++acked_total_;
    std::int64_t intended = intended_of(text);
    if (counting) ++acked_;
    if (intended >= window_start_ns_ && intended < window_end_ns_) {
      ack_ns_.push_back(now_ns() - intended);
      if (trace_) trace('a', intended, now_ns());
    }
    --peer.in_flight;
    peer.wake.cancel();
  } else if (text.starts_with(R"({"type":"error")")) {
    if (++errors_ <= 5) std::cerr << "error event: " << text << "\n";
    if (text.find("\"ref\"") != std::string_view::npos) {
      --peer.in_flight;
      peer.wake.cancel();
    }
  }
}

void Load::enqueue(const std::shared_ptr<Peer>& peer, std::string text) {
  peer->outbox.push_back(std::move(text));
  ++peer->in_flight;
  ++sent_total_;
  if (counting) ++sent_;
  if (!peer->writing) {
    peer->writing = true;
    asio::co_spawn(ioc_, drain(peer), asio::detached);
  }
}

asio::awaitable<void> Load::drain(std::shared_ptr<Peer> peer) {
  while (!peer->outbox.empty() && peer->open) {
    std::string text = std::move(peer->outbox.front());
    peer->outbox.pop_front();
    auto [ec, n] = co_await peer->ws.async_write(asio::buffer(text), kTuple);
    if (ec) break;
  }
  peer->writing = false;
}

asio::awaitable<void> Load::sleep(double seconds) {
  asio::steady_timer timer(ioc_);
  timer.expires_after(
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds)));
  co_await timer.async_wait(kTuple);
}

// Sockets for the first `pairs` conversations: per pair the patient's devices (the first one
// sends) and the doctor's devices (on server B in cross mode).
std::vector<std::shared_ptr<Peer>> Load::make_peers(std::size_t pairs, bool cross) {
  std::vector<std::shared_ptr<Peer>> peers;
  for (std::size_t pair = 0; pair < pairs; ++pair) {
    for (int device = 0; device < options_.patient_devices; ++device) {
      auto peer = std::make_shared<Peer>(ioc_);
      peer->account = 2 * pair;
      peer->pair = pair;
      peer->patient = true;
      peer->sender = device == 0;
      peers.push_back(peer);
    }
    for (int device = 0; device < options_.doctor_devices; ++device) {
      auto peer = std::make_shared<Peer>(ioc_);
      peer->account = 2 * pair + 1;
      peer->pair = pair;
      peers.push_back(peer);
    }
  }
  (void)cross;
  return peers;
}

// Opens the sockets, at most connect_window at a time; each then reads until it closes.
asio::awaitable<void> Load::open_all(std::vector<std::shared_ptr<Peer>>& peers, bool report) {
  auto started = Clock::now();
  std::size_t next = 0, done = 0, failed = 0;
  asio::steady_timer progress(ioc_, Clock::time_point::max());
  std::size_t window = static_cast<std::size_t>(std::max(1, options_.connect_window));
  std::function<void()> launch = [&] {
    while (next < peers.size() && next - done < window) {
      auto peer = peers[next++];
      unsigned short port =
          options_.mode == "cross" && !peer->patient ? options_.port_b : options_.port;
      asio::co_spawn(ioc_, open(peer, port), [&, peer](std::exception_ptr error, bool ok) {
        if (error) std::rethrow_exception(error);
        ++done;
        if (!ok) ++failed;
        if (ok) asio::co_spawn(ioc_, read_loop(peer), asio::detached);
        launch();
        if (done == peers.size()) progress.cancel();
      });
    }
  };
  launch();
  if (!peers.empty()) co_await progress.async_wait(kTuple);
  double seconds = seconds_since(started);
  std::cerr << "opened " << peers.size() - failed << " authenticated sockets in " << seconds
            << " s (" << (peers.size() - failed) / seconds << "/s), " << failed << " failed\n";
  if (failed > 0) fail("sockets failed to open");
  if (!report) co_return;
  result(" sockets=" + std::to_string(peers.size()) +
         " sockets_open_per_s=" + std::to_string(peers.size() / seconds));
}

asio::awaitable<void> Load::close_all(std::vector<std::shared_ptr<Peer>>& peers) {
  for (auto& peer : peers) {
    peer->open = false;  // a close we asked for is not a disconnect
    boost::system::error_code ignored;
    beast::get_lowest_layer(peer->ws).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(peer->ws).socket().close(ignored);
  }
  co_await sleep(0.5);
}

// idle: hold --sockets authenticated sockets; the server's RSS before and after, per socket.
asio::awaitable<void> Load::idle() {
  // Whole pairs: a socket's conversation is found through its pair's other account.
  std::size_t accounts = std::min((options_.sockets + 1) / 2 * 2, 2 * options_.pairs);
  co_await sign_in_all(accounts);
  std::vector<std::shared_ptr<Peer>> peers;
  for (std::size_t index = 0; index < options_.sockets; ++index) {
    auto peer = std::make_shared<Peer>(ioc_);
    peer->account = index % accounts;
    peer->patient = peer->account % 2 == 0;
    peers.push_back(peer);
  }
  // The sign-ins' memory (argon2id) is freed by now; give the allocator its decay time.
  co_await sleep(options_.settle);
  long before = rss_kb(options_.server_pids);
  long tcp_before = tcp_memory_kb(), slab_before = slab_kb();
  double cpu_before = cpu_seconds(options_.server_pids);
  std::cerr << "server RSS before: " << before << " kB\n";
  // A tenth first: the slope between a tenth and all of them leaves out one-time costs
  // (statement caches, thread stacks first touched, allocator arenas).
  std::size_t tenth = peers.size() / 10;
  std::vector<std::shared_ptr<Peer>> first(peers.begin(), peers.begin() + tenth);
  std::vector<std::shared_ptr<Peer>> rest(peers.begin() + tenth, peers.end());
  auto started = Clock::now();
  co_await open_all(first, false);
  double opening = seconds_since(started);
  co_await sleep(options_.settle);
  long at_tenth = rss_kb(options_.server_pids);
  started = Clock::now();
  co_await open_all(rest, false);
  opening += seconds_since(started);
  double cpu_open = cpu_seconds(options_.server_pids) - cpu_before;
  co_await sleep(options_.settle);
  long after = rss_kb(options_.server_pids);
  long tcp_after = tcp_memory_kb(), slab_after = slab_kb();
  std::cerr << "server RSS with " << peers.size() << " sockets: " << after << " kB ("
            << (after - before) * 1024.0 / peers.size() << " B per socket; slope from " << tenth
            << ": " << (after - at_tenth) * 1024.0 / (peers.size() - tenth) << ")\n";
  // Hold them through a heartbeat (the server pings after half of --websocket-idle-seconds).
  auto cpu_hold_start = cpu_seconds(options_.server_pids);
  co_await sleep(options_.hold);
  double cpu_hold = cpu_seconds(options_.server_pids) - cpu_hold_start;
  long held = rss_kb(options_.server_pids);
  std::size_t still_open = 0;
  for (const auto& peer : peers) still_open += peer->open ? 1 : 0;
  std::cerr << "after holding " << options_.hold << " s: " << still_open << " open, RSS " << held
            << " kB\n";
  long hwm = 0;
  for (int pid : options_.server_pids) hwm += proc_status_kb(pid, "VmHWM");
  co_await close_all(peers);
  co_await sleep(options_.settle);
  long closed = rss_kb(options_.server_pids);
  char line[1024];
  std::snprintf(
      line, sizeof line,
      " sockets=%zu sockets_open_per_s=%.0f rss_before_kb=%ld rss_tenth_kb=%ld rss_after_kb=%ld "
      "rss_held_kb=%ld "
      "rss_closed_kb=%ld hwm_kb=%ld bytes_per_socket=%.0f slope_bytes_per_socket=%.0f "
      "held_bytes_per_socket=%.0f tcp_kernel_kb=%ld tcp_kernel_bytes_per_socket=%.0f "
      "slab_bytes_per_socket=%.0f still_open=%zu server_cpu_open_s=%.2f "
      "server_cpu_hold_s=%.2f",
      peers.size(), peers.size() / opening, before, at_tenth, after, held, closed, hwm,
      (after - before) * 1024.0 / peers.size(),
      (after - at_tenth) * 1024.0 / (peers.size() - tenth), (held - before) * 1024.0 / peers.size(),
      tcp_after - tcp_before, (tcp_after - tcp_before) * 1024.0 / peers.size() / 2,
      (slab_after - slab_before) * 1024.0 / peers.size() / 2, still_open, cpu_open, cpu_hold);
  result(line);
}

// latency and cross: the senders send --rate messages per second in all, each message at its
// own time on one schedule; a message's delay runs from that time (so a client that falls
// behind counts against the result, not for it) to its arrival at each receiving socket.
asio::awaitable<void> Load::paced(bool cross) {
  co_await sign_in_all(2 * options_.pairs);
  auto peers = make_peers(options_.pairs, cross);
  co_await open_all(peers);
  std::vector<std::shared_ptr<Peer>> senders;
  for (const auto& peer : peers) {
    if (peer->sender) senders.push_back(peer);
  }
  co_await sleep(1);  // presence events of the opening settle
  auto period = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(1.0 / options_.rate));
  auto start = Clock::now();
  auto measure_from = start + std::chrono::duration_cast<Clock::duration>(
                                  std::chrono::duration<double>(options_.warmup));
  auto measure_to = measure_from + std::chrono::duration_cast<Clock::duration>(
                                       std::chrono::duration<double>(options_.duration));
  window_start_ns_ =
      std::chrono::duration_cast<std::chrono::nanoseconds>(measure_from.time_since_epoch()).count();
  window_end_ns_ =
      std::chrono::duration_cast<std::chrono::nanoseconds>(measure_to.time_since_epoch()).count();
  // The steady clock is CLOCK_MONOTONIC: what `perf record -k CLOCK_MONOTONIC` stamps samples with.
  if (trace_) std::fprintf(trace_, "# window start, CLOCK_MONOTONIC ns: %ld\n", window_start_ns_);
  CpuMeter cpu(options_.server_pids, options_.db_pid);
  bool window_open = false;
  asio::steady_timer timer(ioc_);
  std::size_t turn = 0;
  for (auto due = start; due < measure_to; due += period) {
    if (!window_open && due >= measure_from) {
      window_open = true;
      counting = true;
      cpu.start();
    }
    if (Clock::now() < due) {
      timer.expires_at(due);
      co_await timer.async_wait(kTuple);
    }
    if (window_open && Clock::now() - due > std::chrono::milliseconds(10)) ++late_sends_;
    auto& sender = senders[turn++ % senders.size()];
    if (!sender->open) continue;
    std::int64_t intended =
        std::chrono::duration_cast<std::chrono::nanoseconds>(due.time_since_epoch()).count();
    if (window_open) ++measured_sent_;
    if (trace_ && window_open) trace('s', intended, now_ns());
    enqueue(sender, send_frame(*sender, intended));
  }
  counting = false;
  std::string cpu_report = cpu.report();
  // The last deliveries: wait until every measured message reached every receiver, or 5 s.
  std::int64_t per_message = options_.doctor_devices + options_.patient_devices - 1;
  auto waited = Clock::now();
  while (delivered_ < measured_sent_ * per_message && seconds_since(waited) < 5)
    co_await sleep(0.05);
  double achieved = sent_ / options_.duration;
  std::int64_t expected = measured_sent_ * per_message;
  char line[1024];
  std::snprintf(
      line, sizeof line,
      " rate=%.0f sent_per_s=%.1f acked=%ld delivered=%ld expected_deliveries=%ld "
      "delivered_per_s=%.1f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f max_ms=%.2f ack_p50_ms=%.2f "
      "ack_p99_ms=%.2f late_sends=%ld errors=%ld disconnects=%ld",
      options_.rate, achieved, static_cast<long>(acked_), static_cast<long>(delivered_),
      static_cast<long>(expected), delivered_ / options_.duration, percentile_ms(delivery_ns_, 0.5),
      percentile_ms(delivery_ns_, 0.95), percentile_ms(delivery_ns_, 0.99),
      percentile_ms(delivery_ns_, 1.0), percentile_ms(ack_ns_, 0.5), percentile_ms(ack_ns_, 0.99),
      static_cast<long>(late_sends_), static_cast<long>(errors_), static_cast<long>(disconnects_));
  result(line + cpu_report);
  co_await close_all(peers);
}

// throughput: every sender keeps --window messages unacknowledged, sending the next at each ack.
// Stored = acks; delivered = message events at the receiving sockets (every doctor device, and
// every patient device but the sender), counted in the measured window.
asio::awaitable<void> Load::throughput() {
  co_await sign_in_all(2 * options_.pairs);
  auto peers = make_peers(options_.pairs, false);
  co_await open_all(peers);
  co_await sleep(1);
  sending = true;
  window_start_ns_ = 0;  // count every delivery by arrival time, not by send time
  window_end_ns_ = INT64_MAX;
  auto executor = co_await asio::this_coro::executor;
  for (const auto& peer : peers) {
    if (!peer->sender) continue;
    asio::co_spawn(
        executor,
        [this, peer]() -> asio::awaitable<void> {
          while (sending && peer->open) {
            if (peer->in_flight < options_.window) {
              enqueue(peer, send_frame(*peer, now_ns()));
              continue;
            }
            peer->wake.expires_at(Clock::time_point::max());
            co_await peer->wake.async_wait(kTuple);
          }
        },
        asio::detached);
  }
  co_await sleep(options_.warmup);
  std::int64_t acked_at = acked_total_, delivered_at = delivered_total_;
  CpuMeter cpu(options_.server_pids, options_.db_pid);
  cpu.start();
  auto started = Clock::now();
  co_await sleep(options_.duration);
  double seconds = seconds_since(started);
  std::int64_t acked = acked_total_ - acked_at, delivered = delivered_total_ - delivered_at;
  std::string cpu_report = cpu.report();
  sending = false;
  for (const auto& peer : peers) peer->wake.cancel();
  auto waited = Clock::now();
  std::int64_t per_message = options_.doctor_devices + options_.patient_devices - 1;
  while ((acked_total_ < sent_total_ || delivered_total_ < sent_total_ * per_message) &&
         seconds_since(waited) < 10) {
    co_await sleep(0.05);
  }
  std::size_t senders = 0;
  for (const auto& peer : peers) senders += peer->sender ? 1 : 0;
  char line[1024];
  std::snprintf(line, sizeof line,
                " senders=%zu window=%d stored_per_s=%.0f delivered_per_s=%.0f "
                "deliveries_per_message=%ld sent_total=%ld acked_total=%ld delivered_total=%ld "
                "errors=%ld disconnects=%ld",
                senders, options_.window, acked / seconds, delivered / seconds,
                static_cast<long>(per_message), static_cast<long>(sent_total_),
                static_cast<long>(acked_total_), static_cast<long>(delivered_total_),
                static_cast<long>(errors_), static_cast<long>(disconnects_));
  result(line + cpu_report);
  co_await close_all(peers);
}

int Load::run() {
  // Thousands of sockets: the soft open-file limit up to the hard one.
  rlimit files{};
  getrlimit(RLIMIT_NOFILE, &files);
  files.rlim_cur = files.rlim_max;
  setrlimit(RLIMIT_NOFILE, &files);
  std::size_t needed = options_.mode == "idle" ? options_.sockets : 0;
  if (needed + 64 > files.rlim_cur) {
    fail("the open-file limit (" + std::to_string(files.rlim_cur) + ") is below " +
         std::to_string(needed + 64));
  }
  read_pairs();
  padding_.assign(4000, 'x');
  if (!options_.trace.empty()) {
    trace_ = std::fopen(options_.trace.c_str(), "w");
    if (trace_ == nullptr) fail("cannot write " + options_.trace);
  }
  auto address = asio::ip::make_address(options_.host);
  endpoint_ = {address, options_.port};
  endpoint_b_ = {address, options_.port_b};
  result(" mode=" + options_.mode + " pairs=" + std::to_string(options_.pairs));
  asio::co_spawn(
      ioc_,
      [this]() -> asio::awaitable<void> {
        if (options_.mode == "idle") co_await idle();
        if (options_.mode == "latency") co_await paced(false);
        if (options_.mode == "cross") co_await paced(true);
        if (options_.mode == "throughput") co_await throughput();
        ioc_.stop();
      },
      [](std::exception_ptr error) {
        if (error) std::rethrow_exception(error);
      });
  ioc_.run();
  result(" client_max_rss_kb=" + std::to_string(own_max_rss_kb()));
  if (trace_) std::fclose(trace_);
  std::cout << result_ << std::endl;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    Load load(parse_options(argc, argv));
    return load.run();
  } catch (const std::exception& error) {
    fail(error.what());
  }
}
