# DNS reply decoder (src/dns/wire.h) and query-name encoder (src/dns/name.h).
mw_fuzz_target(dns LIBS mw_dns)
