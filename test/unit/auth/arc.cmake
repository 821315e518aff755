# ARC (src/auth/arc): ARC Set parsing, chain validation and sealing; the ValiMail ARC
# conformance suite (validation and signing), converted from YAML to JSON at build time by
# arc_yaml_to_json.py (needs python3-yaml).
set(MW_ARC_SUITE_JSON)
foreach(pair "arc-draft-validation-tests;arc-validation" "arc-draft-sign-tests;arc-sign")
  list(GET pair 0 suite)
  list(GET pair 1 out_name)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${out_name}.json)
  add_custom_command(OUTPUT ${out}
    COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/arc_yaml_to_json.py
            ${MW_TESTDATA_DIR}/arc/${suite}.yml ${out}
    DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/arc_yaml_to_json.py ${MW_TESTDATA_DIR}/arc/${suite}.yml
    COMMENT "ARC suite: ${suite}.yml -> JSON")
  list(APPEND MW_ARC_SUITE_JSON ${out})
endforeach()
add_custom_target(arc_suite_json DEPENDS ${MW_ARC_SUITE_JSON})

mw_unit_test(arc_test
  SOURCES
    arc_chain_test.cpp
    arc_suite_test.cpp
  LIBS mw_auth_arc)
add_dependencies(arc_test arc_suite_json)
target_compile_definitions(arc_test PRIVATE MW_ARC_SUITE_DIR="${CMAKE_CURRENT_BINARY_DIR}")
