# Domain checks (src/auth/check): what `mailward check-domain` and /checkdomain report.
mw_unit_test(domain_check_test
  SOURCES domain_check_test.cpp
  LIBS mw_auth_check)
