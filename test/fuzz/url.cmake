# URL and address recognition (src/mime/urls.h): free text and hrefs from mail.
mw_fuzz_target(url LIBS mw_mime)
