# Writes OUTPUT: a C++ file defining `std::string_view NAMESPACE::FUNCTION()` that returns the
# text of INPUT (a data file under config/) as a raw string literal, so the binary carries it.
# Used as: cmake -DINPUT=... -DOUTPUT=... -DHEADER=medicines/x.hpp -DNAMESPACE=vitalis::x
#          -DFUNCTION=embedded_x -P embed_text.cmake
file(READ "${INPUT}" text)
set(delimiter "vitalis_embedded")
string(FIND "${text}" ")${delimiter}\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the embedding delimiter")
endif()
get_filename_component(source_name "${INPUT}" NAME)
set(body "// Generated from config/${source_name} by cmake/embed_text.cmake. Do not edit.\n")
string(APPEND body "#include \"${HEADER}\"\n\nnamespace ${NAMESPACE} {\n\n")
string(APPEND body "std::string_view ${FUNCTION}() {\n")
string(APPEND body "  return R\"${delimiter}(${text})${delimiter}\";\n}\n\n")
string(APPEND body "}  // namespace ${NAMESPACE}\n")
file(WRITE "${OUTPUT}.tmp" "${body}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
