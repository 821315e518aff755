# Rule regexps (src/match): `/pattern/flags\n<data>` is parsed, compiled as a Regexp and
# into a Hyperscan class and a PCRE2-only class, then scanned; the three must agree.
mw_fuzz_target(regexp LIBS mw_match)
