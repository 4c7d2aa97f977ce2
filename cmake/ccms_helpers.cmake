# Small helpers in the spirit of absl_cc_library: one place sets warnings and include paths.

# ccms_target_defaults(<target>): our include root and warnings-as-errors.
function(ccms_target_defaults target)
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR})
  target_compile_options(${target} PRIVATE ${CCMS_WARNINGS})
endfunction()

# ccms_add_test(NAME <name> SRCS <files...> DEPS <targets...> LABEL unit|integration|e2e)
# One test binary = one CTest test, labelled by kind so `ctest -L unit` runs one kind.
function(ccms_add_test)
  cmake_parse_arguments(T "" "NAME;LABEL;TIMEOUT" "SRCS;DEPS" ${ARGN})
  add_executable(${T_NAME} ${T_SRCS})
  ccms_target_defaults(${T_NAME})
  target_link_libraries(${T_NAME} PRIVATE ${T_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  if(T_LABEL STREQUAL "integration")
    # One of tests/run's shared stacks (PostgreSQL + dev broker) per integration test at a time:
    # the ctest resource "stack", mapped to the test's variables by on_stack.sh, which also
    # empties the stack's broker first.
    add_test(NAME ${T_NAME}
      COMMAND bash ${PROJECT_SOURCE_DIR}/tests/support/on_stack.sh
              $<TARGET_FILE:ccms-devkafka> $<TARGET_FILE:${T_NAME}>)
    set_tests_properties(${T_NAME} PROPERTIES RESOURCE_GROUPS "stack:1")
  else()
    add_test(NAME ${T_NAME} COMMAND ${T_NAME})
  endif()
  set_tests_properties(${T_NAME} PROPERTIES LABELS ${T_LABEL} TIMEOUT ${T_TIMEOUT})
endfunction()

# ccms_embed_migrations(<target> <dir> <namespace> <function>): compiles <dir>/V*.sql into the
# binary as `const std::vector<ccms::db::Migration>& <namespace>::<function>()`, so a service
# (or its migration Job) needs no files beside it.
function(ccms_embed_migrations target dir namespace function)
  file(GLOB sql_files CONFIGURE_DEPENDS ${dir}/V*.sql)
  list(SORT sql_files)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${target}_migrations.cc)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DFILES="${sql_files}" -DNS=${namespace}
            -DFN=${function}
            -P ${PROJECT_SOURCE_DIR}/cmake/embed_migrations.cmake
    DEPENDS ${sql_files} ${PROJECT_SOURCE_DIR}/cmake/embed_migrations.cmake
    COMMENT "Embedding migrations for ${target}")
  target_sources(${target} PRIVATE ${out})
endfunction()

# ccms_embed_text(<target> <file> <namespace> <function>): compiles a text file into the binary
# as `std::string_view <namespace>::<function>()` (e.g. the default policy file).
function(ccms_embed_text target file namespace function)
  get_filename_component(base ${file} NAME_WE)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${target}_${base}_embedded.cc)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DIN=${file} -DNS=${namespace} -DFN=${function}
            -P ${PROJECT_SOURCE_DIR}/cmake/embed_text.cmake
    DEPENDS ${file} ${PROJECT_SOURCE_DIR}/cmake/embed_text.cmake
    COMMENT "Embedding ${base}")
  target_sources(${target} PRIVATE ${out})
endfunction()

# ccms_add_domain_library(NAME <name> SRCS <files...> [DEPS <targets...>])
# A service's domain/ (pure rules): links ccms_core and nothing with I/O. DEPS may name only
# Abseil, yaml-cpp (a parser) and other domain libraries; anything else stops the configure.
# Its sources are compiled with the domain guard (cmake/domain_guard.cmake) first on the include
# path, so including a header of libpqxx, gRPC, protobuf, librdkafka or prometheus-cpp fails.
function(ccms_add_domain_library)
  cmake_parse_arguments(D "" "NAME" "SRCS;DEPS" ${ARGN})
  foreach(dep ${D_DEPS})
    if(NOT dep MATCHES "^(absl::.+|yaml-cpp|ccms_core|ccms_.+_domain)$")
      message(FATAL_ERROR "${D_NAME}: a domain library may link only ccms_core, Abseil, yaml-cpp "
                          "and other domain libraries, not ${dep} (DESIGN.md section 11)")
    endif()
  endforeach()
  add_library(${D_NAME} STATIC ${D_SRCS})
  ccms_target_defaults(${D_NAME})
  ccms_domain_guard(${D_NAME})
  target_link_libraries(${D_NAME} PUBLIC ccms_core ${D_DEPS})
endfunction()

# ccms_domain_guard(<target>): compiles <target>'s own sources with the domain guard's stand-in
# headers searched first. PRIVATE: the targets that link <target> are not affected.
function(ccms_domain_guard target)
  target_include_directories(${target} BEFORE PRIVATE ${CCMS_DOMAIN_GUARD_DIR})
endfunction()

# ccms_add_service(NAME <svc> SRCS <files…> [DEPS <targets…>])
# A service of the kit (docs/architecture.md, "Adding a service"): the library ccms_<svc> (its
# handlers, stores, consumers and wiring; linked by the binary and the tests) over its domain
# library ccms_<svc>_domain (ccms_add_domain_library) and the kit, with migrations/V*.sql
# compiled in as ccms::<svc>::Migrations(), and the binary ccms-<svc> from main.cc.
function(ccms_add_service)
  cmake_parse_arguments(SVC "" "NAME" "SRCS;DEPS" ${ARGN})
  set(lib ccms_${SVC_NAME})
  add_library(${lib} STATIC ${SVC_SRCS})
  ccms_embed_migrations(${lib} ${CMAKE_CURRENT_SOURCE_DIR}/migrations ccms::${SVC_NAME} Migrations)
  ccms_target_defaults(${lib})
  target_link_libraries(${lib} PUBLIC ${lib}_domain ccms_common ${SVC_DEPS})
  add_executable(ccms-${SVC_NAME} main.cc)
  ccms_target_defaults(ccms-${SVC_NAME})
  target_link_libraries(ccms-${SVC_NAME} PRIVATE ${lib})
endfunction()
