# Regexp class scan throughput (Hyperscan vs PCRE2 only) and build time with a cold and a
# warm database cache (src/match).
#   ./build/bench/match_bench   (MW_CORPUS_DIR overrides the corpus directory)
if(benchmark_FOUND)
  add_executable(match_bench match_bench.cpp)
  target_link_libraries(match_bench PRIVATE mw_match benchmark::benchmark)
  target_compile_definitions(match_bench PRIVATE MW_TESTDATA_DIR="${MW_TESTDATA_DIR}")
endif()
