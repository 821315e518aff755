# Legacy RSPAMC/SPAMC line protocol (src/proto/http/parser.h, legacy.h): Exim, spamc.
mw_fuzz_target(legacy LIBS mw_proto_http)
