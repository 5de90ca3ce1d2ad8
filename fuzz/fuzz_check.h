// The one way a fuzz target reports a broken promise: print what and where, then abort, so that
// libFuzzer saves the input as a crash like any sanitizer report. A plain assert would vanish in a
// build with NDEBUG (RelWithDebInfo), and these checks are the point of the targets.
#ifndef RATESIM_FUZZ_FUZZ_CHECK_H_
#define RATESIM_FUZZ_FUZZ_CHECK_H_

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition, ...)                                              \
  do {                                                                          \
    if (!(condition)) {                                                         \
      std::fprintf(stderr, "%s:%d: FUZZ_CHECK(%s) failed: ", __FILE__, __LINE__, \
                   #condition);                                                 \
      std::fprintf(stderr, __VA_ARGS__);                                        \
      std::fprintf(stderr, "\n");                                               \
      std::abort();                                                             \
    }                                                                           \
  } while (false)

#endif  // RATESIM_FUZZ_FUZZ_CHECK_H_
