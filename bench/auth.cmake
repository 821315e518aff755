# DKIM verification and signing, ARC validation and sealing (src/auth/dkim, src/auth/arc).
# Needs Google Benchmark.
if(benchmark_FOUND AND TARGET mw_auth_arc)
  add_executable(auth_bench auth_bench.cpp)
  target_link_libraries(auth_bench PRIVATE mw_auth_arc mw_auth_dkim mw_dns
                        benchmark::benchmark benchmark::benchmark_main)
endif()
