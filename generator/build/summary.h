// The one line a build or lint prints when it is done, for CI logs and terminals alike:
//   pmkb: built 1000 incidents, 14 causes, 3 warnings, 0 errors in 4.2s
//   pmkb: linted 1000 incidents: 3 warnings, 0 errors in 1.1s
// Counts are plain numbers; nouns agree with them ("1 warning").
#pragma once

#include <string>

#include "build/build.h"

namespace pmkb::build {

enum class Command { Build, Lint };

// The summary of `result`, without a trailing newline; warnings and errors are counted after
// the `lint:` levels of pmkb.yaml were applied (as result.diagnostics holds them).
std::string summary_line(Command command, const BuildResult& result);

}  // namespace pmkb::build
