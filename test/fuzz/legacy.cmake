# Legacy RSPAMC/SPAMC line protocol (src/proto/http/parser.h, legacy.h, and the replies of
# src/scan/reply.h): Exim, spamc.
mw_fuzz_target(legacy LIBS mw_proto_http mw_scan)
