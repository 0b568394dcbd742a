// `pmkb serve`: runs the server until SIGINT/SIGTERM, rebuilding on change with --watch.
#pragma once

#include <optional>

#include "build/build.h"
#include "serve/site_server.h"

namespace pmkb::cli {

// Returns the process exit status. With `watch`, builds first, then polls the content folder
// and rebuilds (printing diagnostics) whenever a file changes.
int run_server(const serve::ServeOptions& options, const std::optional<build::BuildOptions>& watch);

}  // namespace pmkb::cli
