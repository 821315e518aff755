# Bayes classifier speed: tokenizing, classifying and learning on LMDB (src/classify).
# A plain timing driver; generates its mail with tools/bayes/generate_mail.py.
add_executable(classify_bench classify_bench.cpp)
target_link_libraries(classify_bench PRIVATE mw_classify)
target_compile_definitions(classify_bench PRIVATE MW_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
