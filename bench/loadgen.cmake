# End-to-end load driver for the scan protocol (bench/loadgen*.cpp), built whenever MW_BENCH is
# ON. Runs against Mailward, Rspamd (bench/rspamd/run_rspamd.sh) or its own in-process server:
#   ./build/bench/mailward-loadgen --target 127.0.0.1:11333 --concurrency 8 --duration 20
#   ./build/bench/mailward-loadgen --self-test
# bench/compare.sh runs it against Rspamd and Mailward and prints both.
find_package(Threads REQUIRED)
add_executable(mailward-loadgen
  loadgen.cpp
  loadgen_corpus.cpp
  loadgen_driver.cpp
  loadgen_echo.cpp
  loadgen_http.cpp
  loadgen_stats.cpp
)
target_include_directories(mailward-loadgen PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(mailward-loadgen PRIVATE mw_core PkgConfig::ZSTD Threads::Threads)
target_compile_definitions(mailward-loadgen PRIVATE MW_TESTDATA_DIR="${MW_TESTDATA_DIR}")

# A short self-test (in-process server, fixed request count) proves the driver works; it
# checks correctness only - speed is reported, not asserted.
if(MW_TESTS)
  add_test(NAME loadgen_self_test
           COMMAND mailward-loadgen --self-test --requests 20000 --concurrency 16)
  set_tests_properties(loadgen_self_test PROPERTIES TIMEOUT 120 LABELS bench)
endif()
