// The build orchestrator: the only code that knows the order of the stages.
//   load -> parse -> extract -> assemble -> (similarity -> relate -> render) beside index -> write
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "diag/diagnostics.h"
#include "model/settings.h"
#include "model/site.h"
#include "progress/progress.h"

namespace pmkb::build {

struct BuildOptions {
  std::filesystem::path content_dir = "content";
  std::filesystem::path out_dir = "public";
  std::optional<std::filesystem::path> config_file;
  unsigned jobs = 0;         // worker threads, 0 for one per core; the output is the same for any count
  bool clean = false;        // rebuild everything, even when nothing changed, and rewrite every file
  bool write_output = true;  // false for `pmkb lint`: everything is checked, nothing rendered or written
  progress::Progress* progress = nullptr;  // told of each stage and item; none when null. Not finished by the build.
};

struct BuildSummary {
  std::size_t documents = 0;
  std::size_t incidents = 0;
  std::size_t causes = 0;            // distinct causes seen in at least one incident
  std::size_t recurring_causes = 0;  // causes seen in two or more incidents
  std::size_t files_written = 0;
  bool unchanged = false;  // the inputs were those OUT was built from: nothing was redone
  double seconds = 0;
  std::vector<std::pair<std::string, double>> stage_seconds;  // in pipeline order
};

struct BuildResult {
  diag::Diagnostics diagnostics;  // after the `lint:` levels of pmkb.yaml are applied
  BuildSummary summary;
};

// The first half of the pipeline: load, parse, extract and assemble.
struct AnalyzedLibrary {
  std::vector<std::pair<std::string, double>> stage_seconds;
  model::Settings settings;
  // Without relations or themes (analyze::assemble_site); empty without options.write_output
  // (lint stops after extraction).
  model::Site site;
  std::size_t documents = 0;
  std::size_t incidents = 0;
  std::size_t causes = 0;            // distinct causes seen in at least one incident
  std::size_t recurring_causes = 0;  // causes seen in two or more incidents
  std::map<std::string, std::string> display_paths;  // source path -> path as printed
  bool config_failed = false;  // pmkb.yaml had errors: nothing else was read
};
// Used by the cause evaluation (bench/cause_eval.cpp), which reads the analyzed library.
AnalyzedLibrary analyze_content(const BuildOptions& options, diag::Diagnostics& diagnostics);

// Runs the pipeline. Content problems are diagnostics in the result; environment failures
// (unreadable content dir, unwritable output, another build holding the lock) throw.
BuildResult run_build(const BuildOptions& options);

}  // namespace pmkb::build
