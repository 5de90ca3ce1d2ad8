// The `ratesim` command. The real dispatcher lands with sim/cli/commands.
#include <cstdio>

int main(int argc, char** argv) {
  std::fputs("usage: ratesim run|compare|validate SCENARIO\n", stderr);
  return 2;
}
