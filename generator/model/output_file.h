// A file of the generated site: its path under the output directory and its bytes.
#pragma once

#include <functional>
#include <string>

namespace pmkb::model {

struct OutputFile {
  std::string path;   // relative, with '/', e.g. "incidents/redis-aof/index.html"
  std::string bytes;
};

// Receives each file of the site as soon as it is made, so that no stage holds them all; may
// be called from several threads at once.
using FileSink = std::function<void(OutputFile)>;

}  // namespace pmkb::model
