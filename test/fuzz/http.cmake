# HTTP/1.x request parser with chunked bodies and zstd body decoding (src/proto/http).
mw_fuzz_target(http LIBS mw_proto_http)
