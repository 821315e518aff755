# DNS codec, cache and resolver round trips (src/dns). Needs Google Benchmark.
if(benchmark_FOUND)
  add_executable(dns_bench dns_bench.cpp ${CMAKE_SOURCE_DIR}/test/unit/dns/fake_dns_server.cpp)
  target_include_directories(dns_bench PRIVATE ${CMAKE_SOURCE_DIR}/test/unit/dns)
  target_link_libraries(dns_bench PRIVATE mw_dns benchmark::benchmark benchmark::benchmark_main)
endif()
