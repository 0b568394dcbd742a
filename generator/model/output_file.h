// A file of the generated site: its path under the output directory and its bytes.
#pragma once

#include <string>

namespace pmkb::model {

struct OutputFile {
  std::string path;   // relative, with '/', e.g. "incidents/redis-aof/index.html"
  std::string bytes;
};

}  // namespace pmkb::model
