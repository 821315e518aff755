# DMARC record parser (src/auth/dmarc/record.h): records come from senders' DNS.
mw_fuzz_target(dmarc_record LIBS mw_auth_dmarc)
