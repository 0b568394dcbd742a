#include "build/build.h"

#include <chrono>
#include <map>

#include "analyze/library.h"
#include "config/settings_loader.h"
#include "content/front_matter.h"
#include "content/loader.h"
#include "export/json_export.h"
#include "extract/incident_extractor.h"
#include "markdown/parsed_document.h"
#include "output/staged_output.h"
#include "render/site_renderer.h"
#include "render/theme.h"
#include "search/indexer.h"
#include "search/static_index.h"
#include "search/themes.h"

namespace pmkb::build {

namespace fs = std::filesystem;

namespace {

// Records how long each stage takes, for --timings and docs/performance.md.
class StageClock {
 public:
  explicit StageClock(std::vector<std::pair<std::string, double>>& into) : into_(into) {}
  void lap(std::string stage) {
    const auto now = std::chrono::steady_clock::now();
    into_.emplace_back(std::move(stage), std::chrono::duration<double>(now - last_).count());
    last_ = now;
  }

 private:
  std::vector<std::pair<std::string, double>>& into_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

// Applies `lint:` from pmkb.yaml (a rule can be turned off or given another level), and
// prints the paths of analysis diagnostics, which name sources, as the loader shows them.
diag::Diagnostics finish_diagnostics(const diag::Diagnostics& found, const std::map<std::string, model::RuleLevel>& levels,
                                     const std::map<std::string, std::string>& display_paths) {
  diag::Diagnostics out;
  for (diag::Diagnostic d : found.all()) {
    if (auto shown = display_paths.find(d.where.path); shown != display_paths.end()) d.where.path = shown->second;
    auto it = levels.find(d.rule);
    if (it != levels.end()) {
      if (it->second == model::RuleLevel::Off) continue;
      d.level = it->second == model::RuleLevel::Info      ? diag::Level::Info
                : it->second == model::RuleLevel::Warning ? diag::Level::Warning
                                                          : diag::Level::Error;
    }
    out.report(std::move(d));
  }
  return out;
}

std::vector<model::Incident> extract_all(const std::vector<content::SourceFile>& sources, const model::Settings& settings,
                                         diag::Diagnostics& diagnostics, progress::Progress& progress) {
  std::vector<model::Incident> incidents;
  const markdown::MarkdownOptions markdown_options{settings.unsafe_html};
  for (const auto& source : sources) {
    const content::SplitDocument split = content::split_front_matter(source, diagnostics);
    const markdown::ParsedDocument doc = markdown::parse_markdown(split.body, split.body_first_line, markdown_options);
    if (auto incident = extract::extract_incident(source, split, doc, settings, diagnostics)) {
      incidents.push_back(std::move(*incident));
    }
    progress.advance();
  }
  return incidents;
}

std::optional<fs::path> theme_override_dir(const BuildOptions& options, const std::string& theme) {
  const fs::path candidate = fs::absolute(options.content_dir).parent_path() / "themes" / theme;
  if (fs::is_directory(candidate)) return candidate;
  return std::nullopt;
}

std::size_t write_site(const model::Site& site, const model::Settings& settings, const BuildOptions& options,
                       diag::Diagnostics& diagnostics, StageClock& clock) {
  progress::NullProgress silent;
  progress::Progress& progress = options.progress != nullptr ? *options.progress : silent;
  progress.begin_phase("render", 0);
  const render::Theme theme = render::load_theme(settings.theme, theme_override_dir(options, settings.theme), diagnostics);
  std::vector<model::OutputFile> files = render::render_site(site, settings, theme, diagnostics);
  files.push_back({"incidents.json", exporter::export_json(site)});
  clock.lap("render");
  progress.begin_phase("write", 0);
  output::StagedOutput staged(options.out_dir);
  staged.write_all(files);
  clock.lap("write");
  progress.begin_phase("index", 0);
  search::build_index(site, staged.staging_dir() / "xapian");
  clock.lap("index");
  progress.begin_phase("static index", 0);
  const std::vector<model::OutputFile> client_index = search::build_static_index(staged.staging_dir() / "xapian");
  staged.write_all(client_index);
  clock.lap("static index");
  staged.commit();
  return files.size() + client_index.size();
}

}  // namespace

AnalyzedLibrary analyze_content(const BuildOptions& options, diag::Diagnostics& found) {
  AnalyzedLibrary library;
  StageClock clock(library.stage_seconds);
  progress::NullProgress silent;
  progress::Progress& progress = options.progress != nullptr ? *options.progress : silent;
  progress.begin_phase("load", 0);
  library.settings = config::load_settings(options.content_dir, options.config_file, found);
  if (found.count(diag::Level::Error) > 0) {
    library.config_failed = true;  // a broken config builds nothing
    return library;
  }
  const model::Settings& settings = library.settings;
  const std::vector<content::SourceFile> sources =
      content::load_content(options.content_dir, {settings.ignore, settings.max_file_bytes}, found);
  for (const auto& source : sources) library.display_paths[source.path] = source.display_path;
  clock.lap("load");
  progress.begin_phase("parse + extract", sources.size());
  std::vector<model::Incident> incidents = analyze::assign_unique_ids(extract_all(sources, settings, found, progress), found);
  clock.lap("parse + extract");
  progress.begin_phase("classify", 0);
  std::vector<std::vector<model::CauseMatch>> causes = analyze::classify_all(incidents, settings, found);
  clock.lap("classify");
  progress.begin_phase("similarity", 0);
  const std::vector<model::Similarity> similarities = search::find_similar_incidents(incidents);
  clock.lap("similarity");
  progress.begin_phase("themes", 0);
  std::vector<bool> explained;
  for (const auto& found_causes : causes) explained.push_back(!found_causes.empty());
  std::vector<model::Theme> themes = search::find_themes(incidents, explained, similarities);
  clock.lap("themes");
  progress.begin_phase("relate", 0);
  library.site = analyze::analyze_library(std::move(incidents), std::move(causes), similarities, std::move(themes), settings.taxonomy);
  clock.lap("relate");
  library.documents = sources.size();
  return library;
}

BuildResult run_build(const BuildOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  BuildResult result;
  diag::Diagnostics found;
  AnalyzedLibrary library = analyze_content(options, found);
  result.summary.stage_seconds = library.stage_seconds;
  StageClock clock(result.summary.stage_seconds);
  if (!library.config_failed) {
    result.summary.documents = library.documents;
    result.summary.incidents = library.site.incidents.size();
    result.summary.causes = library.site.causes.size();
    for (const auto& cause : library.site.causes) {
      if (cause.incident_ids.size() > 1) ++result.summary.recurring_causes;
    }
    if (options.write_output) result.summary.files_written = write_site(library.site, library.settings, options, found, clock);
  }
  result.diagnostics = finish_diagnostics(found, library.settings.rule_levels, library.display_paths);
  result.summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace pmkb::build
