# MIME message parser (src/mime/parser.h): whole messages are attacker-controlled.
# Seeds: crafted messages in corpus/mime plus the mail-parser (RFC examples, Dovecot
# malformed-MIME torture) and rspamd message sets of the shared corpus.
mw_fuzz_target(mime LIBS mw_mime
  SEEDS ${MW_TESTDATA_DIR}/corpus/mail-parser/eml ${MW_TESTDATA_DIR}/corpus/rspamd/messages)
