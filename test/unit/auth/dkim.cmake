# DKIM (src/auth/dkim): parsers, canonicalisation, verification and signing; the third-party
# vectors in test/data/dkim (mail-dkim, dkimpy, mimekit); interop with dkimpy
# (python3-dkim): dkimpy_sign.py signs our test messages at build time, and
# dkim_dkimpy_verify.py checks our signatures at test time.
set(MW_DKIMPY_SIGNED_DIR ${CMAKE_CURRENT_BINARY_DIR}/dkimpy_signed)
file(GLOB MW_DKIM_TEST_MESSAGES ${CMAKE_CURRENT_SOURCE_DIR}/dkim_data/msg_*.eml)
add_custom_command(OUTPUT ${MW_DKIMPY_SIGNED_DIR}/manifest.tsv
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/dkimpy_sign.py
          ${CMAKE_CURRENT_SOURCE_DIR}/dkim_data ${CMAKE_CURRENT_SOURCE_DIR}/dkim_data
          ${MW_DKIMPY_SIGNED_DIR}
  DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/dkimpy_sign.py ${MW_DKIM_TEST_MESSAGES}
          ${CMAKE_CURRENT_SOURCE_DIR}/dkim_data/rsa2048.pem
          ${CMAKE_CURRENT_SOURCE_DIR}/dkim_data/ed25519.pem
  COMMENT "DKIM interop: signing test messages with dkimpy")
add_custom_target(dkimpy_signed DEPENDS ${MW_DKIMPY_SIGNED_DIR}/manifest.tsv)

mw_unit_test(dkim_test
  SOURCES
    dkim_canon_test.cpp
    dkim_crypto_test.cpp
    dkim_interop_test.cpp
    dkim_parse_test.cpp
    dkim_sign_test.cpp
    dkim_suite_test.cpp
    dkim_verify_test.cpp
  LIBS mw_auth_dkim)
add_dependencies(dkim_test dkimpy_signed)
target_compile_definitions(dkim_test PRIVATE MW_DKIMPY_SIGNED_DIR="${MW_DKIMPY_SIGNED_DIR}")
