# Shows that the build refuses infrastructure in domain code (cmake/domain_guard.cmake).
# Run by CTest as `cmake -DBUILD_DIR=... -DSOURCE_DIR=... -DGUARD_DIR=... -P <this file>`.
#
# It takes the exact command line the build uses for a real file of each domain library (and of
# ccms_core) from compile_commands.json, swaps in a probe file, and compiles with -fsyntax-only:
#   - tests/common/domain_guard/pure.cc (core headers and Abseil) must compile, so the flags work;
#   - the probes including libpqxx, gRPC, librdkafka, prometheus-cpp or protobuf must fail with
#     the guard's message;
#   - the libpqxx probe must compile with the flags of a service file, so it is the guard, not a
#     missing header, that refuses it;
#   - no include path of the infrastructure (the generated protos, libpq) is on a domain command
#     line: every -I and -isystem is the source root or the guard's folder;
#   - ccms_add_domain_library() stops the configure when a domain library links ccms_db.

cmake_minimum_required(VERSION 3.25)

set(probes ${SOURCE_DIR}/tests/common/domain_guard)
file(READ ${BUILD_DIR}/compile_commands.json commands)
string(JSON count LENGTH "${commands}")
math(EXPR last "${count} - 1")
set(failures 0)

macro(fail)
  message(SEND_ERROR ${ARGN})
  math(EXPR failures "${failures} + 1")
endmacro()

# Sets <out>_ARGS (the compiler and its flags, without -o and -c) and <out>_DIR for <source>.
function(command_of source out)
  foreach(i RANGE ${last})
    string(JSON file GET "${commands}" ${i} file)
    if(file STREQUAL "${source}")
      string(JSON command GET "${commands}" ${i} command)
      string(JSON dir GET "${commands}" ${i} directory)
      separate_arguments(words UNIX_COMMAND "${command}")
      set(args)
      set(skip FALSE)
      foreach(word ${words})
        if(skip)
          set(skip FALSE)
        elseif(word MATCHES "^-(o|c|MF|MT|MQ)$")
          set(skip TRUE)
        elseif(NOT word MATCHES "^-(MD|MMD)$")
          list(APPEND args "${word}")
        endif()
      endforeach()
      set(${out}_ARGS "${args}" PARENT_SCOPE)
      set(${out}_DIR "${dir}" PARENT_SCOPE)
      return()
    endif()
  endforeach()
  message(FATAL_ERROR "${source} is not in ${BUILD_DIR}/compile_commands.json")
endfunction()

function(compile label probe)
  execute_process(COMMAND ${${label}_ARGS} -fsyntax-only ${probes}/${probe}
                  WORKING_DIRECTORY ${${label}_DIR}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE output ERROR_VARIABLE output)
  set(rc ${rc} PARENT_SCOPE)
  set(output "${output}" PARENT_SCOPE)
endfunction()

# <probe> <library named in the guard's message>
set(forbidden
  "pqxx.cc|libpqxx"
  "pqxx_quoted.cc|libpqxx"
  "grpc.cc|gRPC"
  "rdkafka.cc|librdkafka"
  "prometheus.cc|prometheus-cpp"
  "protobuf.cc|protobuf")

foreach(guarded
    "ccms_records_domain|services/records/domain/access.cc"
    "ccms_assessment_domain|services/assessment/domain/instrument.cc"
    "ccms_core|common/time/calendar.cc")
  string(REPLACE "|" ";" guarded "${guarded}")
  list(GET guarded 0 target)
  list(GET guarded 1 source)
  command_of(${SOURCE_DIR}/${source} ${target})

  set(expect_dir FALSE)
  foreach(word ${${target}_ARGS})
    if(expect_dir)
      set(expect_dir FALSE)
      set(dir "${word}")
    elseif(word MATCHES "^-(I|isystem)(.*)$")
      set(dir "${CMAKE_MATCH_2}")
      if(dir STREQUAL "")
        set(expect_dir TRUE)
        continue()
      endif()
    else()
      continue()
    endif()
    if(NOT dir STREQUAL SOURCE_DIR AND NOT dir STREQUAL GUARD_DIR)
      fail("${target}: include path ${dir} on a guarded command line")
    endif()
  endforeach()
  if(NOT "-I${GUARD_DIR}" IN_LIST ${target}_ARGS)
    fail("${target}: the guard's folder is not on the command line of ${source}")
  endif()

  compile(${target} pure.cc)
  if(rc EQUAL 0)
    message(STATUS "${target}: pure.cc compiles")
  else()
    fail("${target}: pure.cc (core headers only) does not compile:\n${output}")
  endif()

  foreach(entry ${forbidden})
    string(REPLACE "|" ";" entry "${entry}")
    list(GET entry 0 probe)
    list(GET entry 1 library)
    compile(${target} ${probe})
    if(rc EQUAL 0)
      fail("${target}: ${probe} compiles, the guard let ${library} in")
    elseif(NOT output MATCHES "ccms domain guard: domain code must not include ${library} ")
      fail("${target}: ${probe} fails, but not by the guard:\n${output}")
    else()
      message(STATUS "${target}: ${probe} refused (${library})")
    endif()
  endforeach()
endforeach()

# The control: a service file may include libpqxx, so the header is there to be refused.
command_of(${SOURCE_DIR}/services/records/pg_records_store.cc ccms_records)
compile(ccms_records pqxx.cc)
if(rc EQUAL 0)
  message(STATUS "ccms_records: pqxx.cc compiles (control)")
else()
  fail("ccms_records: pqxx.cc does not compile with a service's flags:\n${output}")
endif()

# The link rule: a tiny project whose domain library names ccms_db does not configure.
set(work ${BUILD_DIR}/domain_guard_test_project)
file(REMOVE_RECURSE ${work})
file(WRITE ${work}/CMakeLists.txt "cmake_minimum_required(VERSION 3.25)
project(domain_guard_probe NONE)
include(${SOURCE_DIR}/cmake/ccms_helpers.cmake)
ccms_add_domain_library(NAME probe_domain SRCS probe.cc DEPS absl::status ccms_db)
")
execute_process(COMMAND ${CMAKE_COMMAND} -S ${work} -B ${work}/build
                RESULT_VARIABLE rc OUTPUT_VARIABLE output ERROR_VARIABLE output)
string(REGEX REPLACE "[ \n]+" " " output "${output}")
if(rc EQUAL 0)
  fail("a domain library linking ccms_db configures")
elseif(NOT output MATCHES "a domain library may link only ccms_core.* not ccms_db")
  fail("a domain library linking ccms_db fails to configure, but not by the rule:\n${output}")
else()
  message(STATUS "probe_domain: DEPS ccms_db refused at configure time")
endif()
file(REMOVE_RECURSE ${work})

if(failures GREATER 0)
  message(FATAL_ERROR "domain guard: ${failures} check(s) failed")
endif()
