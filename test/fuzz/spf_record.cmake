# SPF record parser and macro expansion (src/auth/spf/record.h, macro.h): records and
# explanations come from senders' DNS.
mw_fuzz_target(spf_record LIBS mw_auth_spf)
