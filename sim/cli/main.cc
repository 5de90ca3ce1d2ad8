// The `ratesim` command; everything it does is in sim/cli/cli.h.
#include <unistd.h>

#include <iostream>

#include "sim/cli/cli.h"

int main(int argc, char** argv) {
  return ratesim::RunCli(argc, argv, std::cout, std::cerr, isatty(STDERR_FILENO) == 1);
}
