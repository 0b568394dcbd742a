#include "config/settings_loader.h"

#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "config/taxonomy_loader.h"
#include "config/yaml_util.h"
#include "embed/embedded_file.h"
#include "text/text.h"

namespace pmkb::config {

namespace fs = std::filesystem;

namespace {

template <typename Kind>
void read_synonyms(const YAML::Node& map, std::vector<model::Synonyms<Kind>>& into,
                   std::initializer_list<Kind> kinds, const std::string& path, diag::Diagnostics& diagnostics) {
  if (!map || !map.IsMap()) return;
  for (auto it = map.begin(); it != map.end(); ++it) {
    const std::string name = it->first.Scalar();
    const Kind* kind = nullptr;
    for (const Kind& k : kinds) {
      if (to_string(k) == name) kind = &k;
    }
    if (!kind) {
      diagnostics.report(diag::Level::Warning, location_of(it->first, path), "unknown vocabulary key \"" + name + "\"", "invalid-config");
      continue;
    }
    auto entry = std::find_if(into.begin(), into.end(), [&](const auto& s) { return s.kind == *kind; });
    if (entry == into.end()) entry = into.insert(into.end(), {*kind, {}});
    // A copy: `it->second` lives in a temporary proxy that a range-for would outlive.
    const YAML::Node phrases = it->second;
    if (!phrases.IsSequence()) continue;
    for (const auto& phrase : phrases) {
      if (phrase.IsScalar()) entry->phrases.push_back(text::normalize_phrase(phrase.Scalar()));
    }
  }
}

void read_vocabulary(const YAML::Node& root, model::Vocabulary& vocabulary, const std::string& path,
                     diag::Diagnostics& diagnostics) {
  using model::SectionKind;
  using model::LabelKind;
  using model::ColumnKind;
  read_synonyms(root["sections"], vocabulary.sections,
                {SectionKind::Summary, SectionKind::Impact, SectionKind::Detection, SectionKind::RootCause,
                 SectionKind::ContributingFactors, SectionKind::Trigger, SectionKind::Resolution,
                 SectionKind::Timeline, SectionKind::ActionItems, SectionKind::Lessons},
                path, diagnostics);
  read_synonyms(root["labels"], vocabulary.labels,
                {LabelKind::Id, LabelKind::Date, LabelKind::Start, LabelKind::End, LabelKind::Duration,
                 LabelKind::Severity, LabelKind::Services, LabelKind::Status, LabelKind::Authors},
                path, diagnostics);
  read_synonyms(root["action_columns"], vocabulary.action_columns,
                {ColumnKind::Text, ColumnKind::Owner, ColumnKind::Status, ColumnKind::Priority, ColumnKind::Due},
                path, diagnostics);
}

std::optional<model::Severity> parse_severity_name(std::string_view name) {
  const std::string lower = text::to_lower(text::trim(name));
  if (lower == "sev1") return model::Severity::Sev1;
  if (lower == "sev2") return model::Severity::Sev2;
  if (lower == "sev3") return model::Severity::Sev3;
  if (lower == "sev4") return model::Severity::Sev4;
  return std::nullopt;
}

std::optional<model::RuleLevel> parse_rule_level(std::string_view name) {
  const std::string lower = text::to_lower(text::trim(name));
  if (lower == "off" || lower == "ignore" || lower == "false") return model::RuleLevel::Off;
  if (lower == "info") return model::RuleLevel::Info;
  if (lower == "warning" || lower == "warn") return model::RuleLevel::Warning;
  if (lower == "error") return model::RuleLevel::Error;
  return std::nullopt;
}

std::string read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read config file " + file.string() + "; check the path given with -c");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

class SettingsReader {
 public:
  SettingsReader(model::Settings& settings, const std::string& path, const fs::path& base_dir, diag::Diagnostics& diagnostics)
      : settings_(settings), path_(path), base_dir_(base_dir), diagnostics_(diagnostics) {}

  void read(const YAML::Node& root) {
    for (auto it = root.begin(); it != root.end(); ++it) {
      const std::string key = it->first.Scalar();
      const YAML::Node value = it->second;  // a copy: it->second lives in a temporary proxy
      if (key == "title") settings_.site_title = value.as<std::string>("");
      else if (key == "base_url") settings_.base_url = value.as<std::string>("");
      else if (key == "theme") settings_.theme = value.as<std::string>("default");
      else if (key == "repo_url") settings_.repo_url = value.as<std::string>("");
      else if (key == "timezone") read_timezone(value);
      else if (key == "unsafe_html") settings_.unsafe_html = value.as<bool>(false);
      else if (key == "max_file_bytes") settings_.max_file_bytes = value.as<std::uintmax_t>(settings_.max_file_bytes);
      else if (key == "ignore") read_list(value, settings_.ignore);
      else if (key == "severity") read_severity(value);
      else if (key == "services") read_services(value);
      else if (key == "lint") read_lint(value);
      else if (key == "taxonomy") read_inline_taxonomy(value);
      else if (key == "taxonomy_file") read_taxonomy_file(value);
      else if (key == "vocabulary") read_vocabulary(value, settings_.vocabulary, path_, diagnostics_);
      else warn(it->first, "unknown key \"" + key + "\" in pmkb.yaml; see the commented example in content/pmkb.yaml");
    }
  }

 private:
  void warn(const YAML::Node& node, std::string message) {
    diagnostics_.report(diag::Level::Warning, location_of(node, path_), std::move(message), "invalid-config");
  }
  void error(const YAML::Node& node, std::string message) {
    diagnostics_.report(diag::Level::Error, location_of(node, path_), std::move(message), "invalid-config");
  }

  void read_list(const YAML::Node& value, std::vector<std::string>& into) {
    if (value.IsScalar()) into.push_back(value.Scalar());
    if (!value.IsSequence()) return;
    for (const auto& item : value) {
      if (item.IsScalar()) into.push_back(item.Scalar());
    }
  }

  void read_timezone(const YAML::Node& value) {
    const auto offset = text::parse_zone(value.as<std::string>(""));
    if (!offset) error(value, "unknown timezone \"" + value.as<std::string>("") + "\"; use UTC, an abbreviation such as PDT, or an offset such as +02:00");
    settings_.default_utc_offset_minutes = offset;
  }

  void read_severity(const YAML::Node& value) {
    if (!value.IsMap()) return error(value, "`severity` maps labels to SEV1..SEV4, e.g. `blocker: SEV1`");
    for (auto it = value.begin(); it != value.end(); ++it) {
      const auto severity = parse_severity_name(it->second.as<std::string>(""));
      if (!severity) {
        error(it->second, "severity must be SEV1, SEV2, SEV3 or SEV4");
        continue;
      }
      settings_.severity_map[text::to_lower(text::trim(it->first.Scalar()))] = *severity;
    }
  }

  void read_services(const YAML::Node& value) {
    const YAML::Node aliases = value.IsMap() ? value["aliases"] : YAML::Node();
    if (!aliases || !aliases.IsMap()) return error(value, "`services` takes `aliases: {alias: canonical name}`");
    for (auto it = aliases.begin(); it != aliases.end(); ++it) {
      settings_.service_aliases[text::to_lower(text::trim(it->first.Scalar()))] = it->second.as<std::string>("");
    }
  }

  void read_lint(const YAML::Node& value) {
    if (!value.IsMap()) return error(value, "`lint` maps rule ids to off, info, warning or error");
    for (auto it = value.begin(); it != value.end(); ++it) {
      const auto level = parse_rule_level(it->second.as<std::string>(""));
      if (!level) {
        error(it->second, "lint level must be off, info, warning or error");
        continue;
      }
      settings_.rule_levels[it->first.Scalar()] = *level;
    }
  }

  void read_inline_taxonomy(const YAML::Node& value) {
    YAML::Emitter emitter;
    emitter << value;
    // Positions inside an inline taxonomy are reported relative to pmkb.yaml's `taxonomy:` key.
    model::Taxonomy extra = parse_taxonomy(emitter.c_str(), path_, diagnostics_);
    const bool replace = value.IsMap() && value["replace"] && value["replace"].as<bool>(false);
    settings_.taxonomy = replace ? extra : merge_taxonomies(settings_.taxonomy, extra);
  }

  void read_taxonomy_file(const YAML::Node& value) {
    const fs::path file = base_dir_ / value.as<std::string>("");
    std::ifstream in(file, std::ios::binary);
    if (!in) return error(value, "cannot read taxonomy file " + file.string());
    std::ostringstream bytes;
    bytes << in.rdbuf();
    settings_.config_files.emplace_back(file.generic_string(), bytes.str());
    model::Taxonomy extra = parse_taxonomy(bytes.str(), file.generic_string(), diagnostics_);
    settings_.taxonomy = merge_taxonomies(settings_.taxonomy, extra);
  }

  model::Settings& settings_;
  const std::string& path_;
  const fs::path& base_dir_;
  diag::Diagnostics& diagnostics_;
};

}  // namespace

std::string_view builtin_data(std::string_view name) {
  for (const EmbeddedFile& file : builtin_data_files()) {
    if (file.path == name) return file.bytes;
  }
  return {};
}

model::Settings default_settings() {
  model::Settings settings;
  diag::Diagnostics ignored;  // the built-in files are tested; they cannot fail here
  settings.taxonomy = parse_taxonomy(builtin_data("taxonomy.yaml"), "<built-in taxonomy>", ignored);
  read_vocabulary(YAML::Load(std::string(builtin_data("vocabulary.yaml"))), settings.vocabulary,
                  "<built-in vocabulary>", ignored);
  return settings;
}

model::Settings parse_settings(std::string_view yaml, const std::string& display_path, const fs::path& base_dir,
                               diag::Diagnostics& diagnostics) {
  model::Settings settings = default_settings();
  try {
    const YAML::Node root = YAML::Load(std::string(yaml));
    if (root.IsNull()) return settings;
    if (!root.IsMap()) {
      diagnostics.report(diag::Level::Error, {display_path, 1, 1}, "pmkb.yaml must be a map of settings", "invalid-config");
      return settings;
    }
    SettingsReader(settings, display_path, base_dir, diagnostics).read(root);
  } catch (const YAML::Exception& e) {
    report_yaml_error(e, display_path, "pmkb.yaml", diagnostics);
  }
  return settings;
}

std::optional<fs::path> find_settings_file(const fs::path& content_dir, const std::optional<fs::path>& explicit_path) {
  if (explicit_path) {
    if (!fs::is_regular_file(*explicit_path)) {
      throw std::runtime_error("config file " + explicit_path->string() + " does not exist; check the path given with -c");
    }
    return explicit_path;
  }
  for (const fs::path& candidate : {content_dir / "pmkb.yaml", fs::path("pmkb.yaml")}) {
    if (fs::is_regular_file(candidate)) return candidate;
  }
  return std::nullopt;
}

model::Settings load_settings(const fs::path& content_dir, const std::optional<fs::path>& explicit_path,
                              diag::Diagnostics& diagnostics) {
  const auto file = find_settings_file(content_dir, explicit_path);
  if (!file) return default_settings();
  std::error_code ec;
  fs::path shown = fs::proximate(*file, ec);
  const std::string bytes = read_file(*file);
  model::Settings settings = parse_settings(bytes, (ec ? *file : shown).generic_string(), file->parent_path(), diagnostics);
  settings.config_files.insert(settings.config_files.begin(), {file->generic_string(), bytes});
  return settings;
}

}  // namespace pmkb::config
