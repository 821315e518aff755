# ARC header parsers and chain structure checks (src/auth/arc): AAR values, chain
# collection, seal digests, AR consolidation and sealing. Seeds: corpus/arc/ (messages of
# the ValiMail ARC conformance suite, MIT, converted to CRLF; crafted AAR / AR inputs).
mw_fuzz_target(arc LIBS mw_auth_arc)
