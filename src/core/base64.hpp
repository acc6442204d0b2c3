// base64url without padding (RFC 4648 §5): tokens, opaque list cursors. Safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vitalis {

std::string base64url_encode(std::string_view bytes);
// Nullopt when `text` is not base64url without padding.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace vitalis
