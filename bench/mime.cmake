# Parser::parse throughput over the shared corpus and synthetic messages (src/mime).
#   ./build/bench/mime_bench   (MW_CORPUS_DIR overrides the corpus directory)
if(benchmark_FOUND)
  add_executable(mime_bench mime_bench.cpp)
  target_link_libraries(mime_bench PRIVATE mw_mime benchmark::benchmark)
  target_compile_definitions(mime_bench PRIVATE MW_TESTDATA_DIR="${MW_TESTDATA_DIR}")
endif()
