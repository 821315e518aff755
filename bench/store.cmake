# Store throughput per operation kind, LMDB and Redis (src/store). A plain timing driver;
# starts its own redis-server with the unit tests' helper.
add_executable(store_bench store_bench.cpp ${CMAKE_SOURCE_DIR}/test/unit/store/redis_server.cpp)
target_link_libraries(store_bench PRIVATE mw_store)
