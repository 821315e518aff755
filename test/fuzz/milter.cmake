# Milter frame decoder, command decoding and session state machine (src/proto/milter).
mw_fuzz_target(milter LIBS mw_proto_milter)
