// HS256 JWS encoding and verification with Boost.JSON for the claims.
#include "identity/tokens.hpp"

#include <boost/json.hpp>

namespace vitalis::identity {

namespace {
// {"alg":"HS256","typ":"JWT"}, base64url-encoded once: tokens from before key ids.
constexpr std::string_view kHeader = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";

// The header of a token signed with key `kid`: the only form accepted with one, byte for byte.
std::string header_for(std::string_view kid) {
  return base64url_encode(R"({"alg":"HS256","typ":"JWT","kid":")" + std::string(kid) + "\"}");
}

// The key a token's header names: the oldest for the header without a kid; nullptr for anything
// else (another algorithm, an unknown kid, extra fields). Compared byte for byte with each key's
// header: nothing of the token is parsed before its signature is checked.
const SecretKey* signing_key(std::string_view header, const KeyRing& keys) {
  if (header == kHeader) return &keys.keys().back().key;
  for (const auto& entry : keys.keys()) {
    if (header == header_for(entry.id)) return &entry.key;
  }
  return nullptr;
}
}  // namespace

std::string_view role_name(Role role) {
  switch (role) {
    case Role::kPatient:
      return "patient";
    case Role::kDoctor:
      return "doctor";
    case Role::kAdmin:
      return "admin";
  }
  return "patient";
}

std::optional<Role> parse_role(std::string_view text) {
  if (text == "patient") return Role::kPatient;
  if (text == "doctor") return Role::kDoctor;
  if (text == "admin") return Role::kAdmin;
  return std::nullopt;
}

std::string sign_access_token(const AccessClaims& claims, const KeyRing& keys) {
  boost::json::object payload{{"sub", claims.account_id},
                              {"role", role_name(claims.role)},
                              {"sid", claims.session_id},
                              {"iat", claims.issued_at},
                              {"exp", claims.expires_at}};
  std::string token = header_for(keys.newest_id());
  token.push_back('.');
  token += base64url_encode(boost::json::serialize(payload));
  std::string signature = keys.newest().mac(token);
  token.push_back('.');
  token += base64url_encode(signature);
  return token;
}

Result<AccessClaims> verify_access_token(std::string_view token, const KeyRing& keys,
                                         std::int64_t now_seconds) {
  auto invalid = [](std::string message) {
    return Error{ErrorCode::kUnauthenticated, std::move(message), "Authorization"};
  };
  auto first = token.find('.');
  auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos) return invalid("malformed access token");
  const SecretKey* key = signing_key(token.substr(0, first), keys);
  if (key == nullptr) return invalid("invalid access token");
  auto signature = base64url_decode(token.substr(second + 1));
  if (!signature || !constant_time_equal(*signature, key->mac(token.substr(0, second)))) {
    return invalid("invalid access token");
  }
  auto payload_text = base64url_decode(token.substr(first + 1, second - first - 1));
  if (!payload_text) return invalid("malformed access token");
  boost::system::error_code ec;
  auto payload = boost::json::parse(*payload_text, ec);
  const auto* object = ec ? nullptr : payload.if_object();
  if (object == nullptr) return invalid("malformed access token");
  AccessClaims claims;
  const auto* sub = object->if_contains("sub");
  const auto* role = object->if_contains("role");
  const auto* sid = object->if_contains("sid");
  const auto* iat = object->if_contains("iat");
  const auto* exp = object->if_contains("exp");
  if (!sub || !sub->is_int64() || !role || !role->is_string() || !sid || !sid->is_string() ||
      !iat || !iat->is_int64() || !exp || !exp->is_int64()) {
    return invalid("malformed access token");
  }
  auto parsed_role = parse_role(role->get_string());
  if (!parsed_role) return invalid("malformed access token");
  claims.account_id = sub->get_int64();
  claims.role = *parsed_role;
  claims.session_id = std::string(sid->get_string());
  claims.issued_at = iat->get_int64();
  claims.expires_at = exp->get_int64();
  if (claims.expires_at <= now_seconds) return invalid("access token expired");
  return claims;
}

std::string refresh_token_hash(const KeyRing& root, std::string_view token) {
  return root.newest().for_purpose(key_purpose::kRefresh).keyed_hash(token);
}

std::vector<std::string> refresh_token_hashes(const KeyRing& root, std::string_view token) {
  std::vector<std::string> hashes;
  for (const auto& entry : root.keys()) {
    hashes.push_back(entry.key.for_purpose(key_purpose::kRefresh).keyed_hash(token));
  }
  return hashes;
}

}  // namespace vitalis::identity
