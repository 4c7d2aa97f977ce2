# The domain guard (DESIGN.md §11, docs/architecture.md "Libraries and the domain guard").
#
# Linking only ccms_core keeps the include paths of libpqxx, gRPC, librdkafka and prometheus-cpp
# off a domain library's command line, but Debian installs their headers in /usr/include, which
# the compiler always searches. So for every header of those libraries (and of protobuf, whose
# messages are the wire types the handlers map to and from) this writes a stand-in of the same
# name under ${CCMS_DOMAIN_GUARD_DIR}, holding only an #error. ccms_add_domain_library() puts
# that folder first on the include path of the domain's (and the core's) sources, so
# `#include <pqxx/pqxx>` there fails the build with a message that says why.
# tests/common/domain_guard_test.cmake shows it, with the exact flags of the domain libraries.

set(CCMS_DOMAIN_GUARD_DIR ${PROJECT_BINARY_DIR}/domain_guard)

# <header folder> <library named in the message> <a header that locates the folder>
set(ccms_guarded
  "pqxx|libpqxx|pqxx/pqxx"
  "grpcpp|gRPC|grpcpp/grpcpp.h"
  "grpc|gRPC|grpc/grpc.h"
  "grpc++|gRPC|grpc++/grpc++.h"
  "librdkafka|librdkafka|librdkafka/rdkafkacpp.h"
  "prometheus|prometheus-cpp|prometheus/counter.h"
  "google/protobuf|protobuf|google/protobuf/message.h")

foreach(entry ${ccms_guarded})
  string(REPLACE "|" ";" entry "${entry}")
  list(GET entry 0 folder)
  list(GET entry 1 library)
  list(GET entry 2 locator)
  string(MAKE_C_IDENTIFIER "${folder}" var)
  find_path(CCMS_GUARD_ROOT_${var} NAMES ${locator})
  if(NOT CCMS_GUARD_ROOT_${var})
    # The folder is not installed at all: nothing to shadow, an include of it fails anyway.
    continue()
  endif()
  file(GLOB_RECURSE headers RELATIVE ${CCMS_GUARD_ROOT_${var}}
       ${CCMS_GUARD_ROOT_${var}}/${folder}/*)
  foreach(header ${headers})
    set(why "ccms domain guard: domain code must not include ${library} (<${header}>); ")
    string(APPEND why "services/<svc>/domain and ccms_core hold pure rules, I/O belongs to the "
                      "service (DESIGN.md section 11)")
    # file(CONFIGURE) rewrites a stand-in only when its text changes, so reconfiguring does not
    # touch them.
    set(stub "// Written by cmake/domain_guard.cmake: stands in for <${header}> in domain code.\n")
    string(APPEND stub "#error \"${why}\"\n")
    file(CONFIGURE OUTPUT ${CCMS_DOMAIN_GUARD_DIR}/${header} CONTENT "${stub}" @ONLY)
  endforeach()
endforeach()
