# DKIM parsers and canonicalisation (src/auth/dkim): DKIM-Signature / ARC signature values,
# key records, base64 and quoted-printable, message splitting, canonicalisation, and the
# evaluation of every signature up to the signature check. Seeds: corpus/dkim/ (crafted,
# plus two of our test messages signed by dkimpy) and the Mail::DKIM corpus.
mw_fuzz_target(dkim LIBS mw_auth_dkim SEEDS ${MW_TESTDATA_DIR}/dkim/mail-dkim/corpus)
