# Writes OUTPUT: a C++ file defining `std::string_view vitalis::predict::NAME()` that returns the
# text of INPUT (a committed data file under config/) as a raw string literal.
file(READ "${INPUT}" text)
string(FIND "${text}" ")vitalis_text\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the embedding delimiter")
endif()
set(body "// Generated from ${SOURCE_NAME} by embed_text.cmake. Do not edit.\n")
string(APPEND body "#include <string_view>\n\nnamespace vitalis::predict {\n\n")
string(APPEND body "std::string_view ${NAME}() {\n")
string(APPEND body "  return R\"vitalis_text(${text})vitalis_text\";\n}\n\n")
string(APPEND body "}  // namespace vitalis::predict\n")
file(WRITE "${OUTPUT}.tmp" "${body}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
