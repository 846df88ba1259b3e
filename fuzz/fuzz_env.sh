# Sourced by smoke.sh and campaign.sh: the sanitizer settings every fuzz run uses, and the list
# of targets (the libFuzzer binaries the fuzz preset built).
#  - ASan: leaks are reported (LeakSanitizer) and fail the run; allocations over 2 GB are
#    refused as a crash (malloc_limit_mb via -rss_limit_mb/-malloc_limit_mb below).
#  - UBSan: the build already stops at the first report (-fno-sanitize-recover=undefined);
#    halt_on_error says so again for any check compiled as recoverable, with a stack.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1:detect_stack_use_after_return=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
# Third-party suppressions only, each with its reason (tests/sanitizers/lsan.supp).
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/sanitizers/lsan.supp}
fuzz_bin=${PCNV_FUZZ_BIN:-build/asan/fuzz}  # the fuzz preset builds into the asan preset's tree
mapfile -t fuzz_targets < <(sed -n '/^set(PCNV_FUZZ_TARGETS/,/)/p' fuzz/CMakeLists.txt |
                            tr -s ' ()\n' '\n' | grep -v -e '^set$' -e '^PCNV_FUZZ_TARGETS$' -e '^$')
