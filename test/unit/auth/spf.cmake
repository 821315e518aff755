# SPF (src/auth/spf): unit tests, and the RFC 7208 conformance suite plus pyspf's test.yml,
# converted from YAML to JSON at build time by yaml_to_json.py (needs python3-yaml).
set(MW_SPF_SUITE_JSON)
foreach(suite rfc7208-tests test)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/spf-${suite}.json)
  add_custom_command(OUTPUT ${out}
    COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/yaml_to_json.py
            ${MW_TESTDATA_DIR}/spf/${suite}.yml ${out}
    DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/yaml_to_json.py ${MW_TESTDATA_DIR}/spf/${suite}.yml
    COMMENT "SPF suite: ${suite}.yml -> JSON")
  list(APPEND MW_SPF_SUITE_JSON ${out})
endforeach()
add_custom_target(spf_suite_json DEPENDS ${MW_SPF_SUITE_JSON})

mw_unit_test(spf_test
  SOURCES
    spf_analyze_test.cpp
    spf_checker_test.cpp
    spf_macro_test.cpp
    spf_record_test.cpp
    spf_suite_test.cpp
  LIBS mw_auth_spf)
add_dependencies(spf_test spf_suite_json)
target_compile_definitions(spf_test PRIVATE MW_SPF_SUITE_DIR="${CMAKE_CURRENT_BINARY_DIR}")
