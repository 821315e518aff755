# Received trace fields (src/mime/received.h): values as MTAs and spammers write them.
mw_fuzz_target(received LIBS mw_mime)
