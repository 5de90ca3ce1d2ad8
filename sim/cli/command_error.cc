#include "sim/cli/command_error.h"

#include <string>

namespace ratesim {

int Fail(const CommandContext& context, int code, std::string_view message) {
  context.err << "error: " << message << '\n';
  return code;
}

int Fail(const CommandContext& context, int code, const absl::Status& status) {
  if (absl::IsInvalidArgument(status) &&
      status.message().find(": error: ") != std::string_view::npos) {
    context.err << status.message() << '\n';
    return code;
  }
  return Fail(context, code, std::string(status.message()));
}

}  // namespace ratesim
