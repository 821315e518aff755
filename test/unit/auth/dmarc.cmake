# DMARC (src/auth/dmarc): record parsing, organizational domains and alignment (OpenDMARC
# tables), discovery and evaluation over FakeResolver (crafted cases + OpenDMARC's zone).
mw_unit_test(dmarc_test
  SOURCES
    dmarc_evaluator_test.cpp
    dmarc_org_domain_test.cpp
    dmarc_record_test.cpp
  LIBS mw_auth_dmarc)

# From-domain extraction goes through the MIME address parser: its own binary, so that the
# DMARC tests above do not depend on mw_mime.
if(TARGET mw_mime)
  mw_unit_test(dmarc_from_test SOURCES dmarc_from_test.cpp LIBS mw_auth_dmarc mw_mime)
endif()

# Aggregate reports (aggregate.h): grouping, XML, names, destinations and the report mail.
mw_unit_test(dmarc_aggregate_test SOURCES dmarc_aggregate_test.cpp LIBS mw_auth_dmarc_report)
