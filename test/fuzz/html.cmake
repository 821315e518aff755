# HTML to text (src/mime/html.h): mail HTML is attacker-controlled.
# Seeds: crafted cases in corpus/html plus the spam samples of the shared corpus.
mw_fuzz_target(html LIBS mw_mime SEEDS ${MW_TESTDATA_DIR}/corpus/spamassassin/spam)
