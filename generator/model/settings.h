// Site settings from pmkb.yaml (PRODUCT.md §2), as plain data. Loaded by config/.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/incident.h"
#include "model/taxonomy.h"
#include "model/vocabulary.h"

namespace pmkb::model {

// How a lint rule is reported: its default, or as configured under `lint:`.
enum class RuleLevel { Off, Info, Warning, Error };

struct Settings {
  std::string site_title = "Incident library";
  std::string base_url;          // e.g. "https://host/kb/"; empty means relative links only
  std::string theme = "default";
  std::string repo_url;          // for "edit this file" links
  std::optional<int> default_utc_offset_minutes;  // applied to times written without a zone
  // Lower-case label -> severity; merged over the built-in mapping of PRODUCT.md §3.
  std::map<std::string, Severity> severity_map;
  // Lower-case alias -> canonical service name.
  std::map<std::string, std::string> service_aliases;
  std::map<std::string, RuleLevel> rule_levels;  // rule id -> level
  std::vector<std::string> ignore;               // glob patterns relative to the content dir
  bool unsafe_html = false;                      // pass raw HTML in Markdown through
  std::uintmax_t max_file_bytes = 8 * 1024 * 1024;  // larger files are skipped with an error
  Taxonomy taxonomy;
  Vocabulary vocabulary;
  // Every config file read (pmkb.yaml, a taxonomy_file) as (path, bytes): inputs of the build.
  std::vector<std::pair<std::string, std::string>> config_files;
};

}  // namespace pmkb::model
