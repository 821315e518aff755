# html_to_text and URL extraction throughput over the shared corpus (plain driver).
#   ./build/bench/text_bench [corpus_dir] [min_seconds]
add_executable(text_bench text_bench.cpp)
target_link_libraries(text_bench PRIVATE mw_mime)
target_compile_definitions(text_bench PRIVATE MW_TESTDATA_DIR="${MW_TESTDATA_DIR}")
