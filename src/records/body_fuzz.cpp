// libFuzzer target: the records module's request readers (body.hpp), everything a POST body or a
// list's query string goes through before a service sees it: the typed field readers, the body
// of each kind of entry, the observation list's and the timeline's query parameters with the
// timeline cursor (timeline_cursor.hpp). The input is a JSON body when it parses as one; the same
// bytes are also the query string and a cursor (as they are and base64url-encoded). A cursor the
// reader accepts, issued again, must name the same entry. Built from body.cpp and
// timeline_cursor.cpp with the http module's Request: no database (docs/RELIABILITY.md, Fuzzing).
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/base64.hpp"
#include "http/message.hpp"
#include "records/body.hpp"
#include "records/timeline_cursor.hpp"

namespace {

namespace json = boost::json;
using namespace vitalis;
using namespace vitalis::records;

void read_bodies(const json::object& body) {
  (void)number_field(body, "value");
  (void)text_field(body, "reason");
  (void)text_list_field(body, "conditions");
  (void)bool_field(body, "confirmed");
  (void)id_field(body, "encounter_id");
  (void)parse_allergies(body);
  (void)parse_profile(body);
  (void)parse_encounter(body);
  (void)parse_diagnosis(body);
  (void)parse_prescription(body);
  (void)parse_symptom(body);
  (void)parse_observation(body);
}

void read_queries(std::string_view text) {
  std::string target = "/api/v1/patients/1/timeline?" + std::string(text);
  http::Request request;
  request.target = target;
  request.path = std::string_view(target).substr(0, target.find('?'));
  request.query = std::string_view(target).substr(target.find('?') + 1);
  request.body = std::string(text);
  request.headers.push_back({"Content-Type", "application/json"});
  (void)body_object(request);
  RecordPart prediction;
  prediction.kind = "prediction";
  (void)parse_timeline_query(request, true, {&prediction, 1});
  (void)parse_timeline_query(request, false, {});
  (void)parse_observation_query(request);
  (void)time_bound(std::string(text), "from");
  (void)time_bound(std::string(text), "to");
}

void read_cursor(std::string_view text) {
  for (const std::string& cursor : {std::string(text), base64url_encode(text)}) {
    auto decoded = decode_cursor(cursor);
    if (!decoded.ok()) continue;
    auto again = decode_cursor(encode_cursor(*decoded));
    if (!again.ok() || again->at != decoded->at || again->kind != decoded->kind ||
        again->id != decoded->id) {
      std::abort();  // an accepted cursor names the same entry when issued again
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  boost::system::error_code error;
  json::value value = json::parse(text, error);
  if (!error && value.is_object()) {
    read_bodies(value.as_object());
    // Every member that is itself an object is read as a body too (allergies' items, nesting).
    for (const auto& member : value.as_object()) {
      if (member.value().is_object()) read_bodies(member.value().as_object());
    }
  }
  read_queries(text);
  read_cursor(text);
  return 0;
}
