#include "build/build.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <functional>
#include <future>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "analyze/library.h"
#include "cache/analysis_cache.h"
#include "cache/extraction_cache.h"
#include "config/settings_loader.h"
#include "content/front_matter.h"
#include "content/loader.h"
#include "export/json_export.h"
#include "extract/incident_extractor.h"
#include "markdown/parsed_document.h"
#include "output/staged_output.h"
#include "parallel/parallel.h"
#include "render/site_renderer.h"
#include "render/theme.h"
#include "search/indexer.h"
#include "search/document_text.h"
#include "search/static_index.h"
#include "search/themes.h"
#include "text/digest.h"

namespace pmkb::build {

namespace fs = std::filesystem;

namespace {

// Records how long each stage takes, for --timings and docs/performance.md, and tells the
// progress display which stage runs.
class StageClock {
 public:
  StageClock(std::vector<std::pair<std::string, double>>& into, progress::Progress* progress)
      : into_(into), progress_(progress ? *progress : silent_) {}
  // The stage `name` starts, with `total` items to do (0: not counted).
  void start(std::string_view name, std::size_t total = 0) { progress_.begin_phase(name, total); }
  void lap(std::string stage) {
    const auto now = std::chrono::steady_clock::now();
    into_.emplace_back(std::move(stage), std::chrono::duration<double>(now - last_).count());
    last_ = now;
  }
  progress::Progress& progress() { return progress_; }

 private:
  std::vector<std::pair<std::string, double>>& into_;
  progress::NullProgress silent_;
  progress::Progress& progress_;
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

// The model of the sources, with each incident's causes (parallel to `incidents`).
struct Extraction {
  std::vector<model::Incident> incidents;
  std::vector<std::vector<model::CauseMatch>> causes;
};

// One source's extraction, with the key it is cached under and, when it came from the cache,
// its packed entry there.
struct Extracted {
  std::uint64_t key = 0;
  cache::Extraction extraction;
  std::string_view cached;  // into the previous cache, while it is alive
};

// Reads a source again (its text was left out when it was loaded), reporting what the load
// did not: a failure, or the diagnostics of a file that changed since.
using Reread = std::function<std::optional<content::SourceFile>(const content::SourceFile&, diag::Diagnostics&)>;

// Parses, extracts and classifies every source on the worker pool, or takes what `cached`
// holds for it (under the source's digest, which covers what extraction reads of it besides
// the settings: the cache file's environment covers those). Each source reports into its own
// sink; the sinks are merged in source order, so the diagnostics do not depend on -j or on
// the cache. Each source's text is released once it is extracted, and its passages once it
// is classified, so that the library's text and its model are not both in memory whole. A
// source loaded without its text, whose cached entry cannot be read back after all, is read
// again with `reread`.
std::vector<Extracted> extract_all(std::vector<content::SourceFile> sources, const model::Settings& settings, extract::Body body,
                                   const cache::ExtractionCache& cached, const Reread& reread, unsigned jobs,
                                   progress::Progress& progress) {
  const markdown::MarkdownOptions markdown_options{settings.unsafe_html};
  const analyze::Classifier classifier(settings);
  return parallel::map_indexes(sources.size(), jobs, [&](std::size_t i) {
    Extracted out;
    out.key = sources[i].digest;
    diag::Diagnostics found;
    if (const auto packed = cached.find(out.key)) {
      if (std::optional<cache::Extraction> hit = cache::unpack(*packed)) {
        std::string().swap(sources[i].text);
        out.extraction = std::move(*hit);
        out.cached = *packed;
        progress.advance();
        return out;
      }
      if (sources[i].text.empty()) {
        std::optional<content::SourceFile> again = reread(sources[i], found);
        if (!again) {
          out.extraction.diagnostics = found.all();
          progress.advance();
          return out;
        }
        sources[i] = std::move(*again);
        out.key = sources[i].digest;
      }
    }
    const content::SplitDocument split = content::split_front_matter(sources[i], found);
    const markdown::ParsedDocument doc = markdown::parse_markdown(split.body, split.body_first_line, markdown_options);
    std::optional<model::Incident> incident = extract::extract_incident(sources[i], split, doc, settings, found, body);
    std::string().swap(sources[i].text);
    if (incident) {
      out.extraction.causes = classifier.classify(*incident, found);
      std::vector<model::Passage>().swap(incident->passages);  // the classifier's input only
    }
    out.extraction.incident = std::move(incident);
    out.extraction.diagnostics = found.all();
    progress.advance();
    return out;
  });
}

// OUT/.pmkb-cache: each source's extraction, for the next build (cache/extraction_cache.h).
constexpr const char* kCacheFile = ".pmkb-cache";

// Writes the extraction cache for the next build: the entries taken from the previous cache as
// they were, the others packed on the worker pool a thousand at a time, so that only that many
// packed entries are in memory at once.
void write_extraction_cache(const std::vector<Extracted>& extracted, std::uint64_t environment, unsigned jobs,
                            output::StagedOutput& staged) {
  staged.write_streamed(kCacheFile, [&](const output::StagedOutput::Stream& stream) {
    stream.append(cache::file_header(environment));
    constexpr std::size_t kChunk = 1024;
    for (std::size_t begin = 0; begin < extracted.size(); begin += kChunk) {
      const std::size_t count = std::min(kChunk, extracted.size() - begin);
      const std::vector<std::string> records = parallel::map_indexes(count, jobs, [&](std::size_t i) {
        const Extracted& item = extracted[begin + i];
        if (!item.cached.empty()) return cache::file_record(item.key, item.cached);
        return cache::file_record(item.key, cache::pack(item.extraction));
      });
      for (const auto& record : records) stream.append(record);
    }
  });
}

// The extractions in source order, their diagnostics reported into `diagnostics`.
Extraction merge_extracted(std::vector<Extracted> extracted, diag::Diagnostics& diagnostics) {
  Extraction merged;
  merged.incidents.reserve(extracted.size());
  merged.causes.reserve(extracted.size());
  for (auto& item : extracted) {
    for (auto& d : item.extraction.diagnostics) diagnostics.report(std::move(d));
    if (!item.extraction.incident) continue;
    merged.incidents.push_back(std::move(*item.extraction.incident));
    merged.causes.push_back(std::move(item.extraction.causes));
  }
  return merged;
}

std::optional<fs::path> theme_override_dir(const BuildOptions& options, const std::string& theme) {
  const fs::path candidate = fs::absolute(options.content_dir).parent_path() / "themes" / theme;
  if (fs::is_directory(candidate)) return candidate;
  return std::nullopt;
}

// This pmkb binary (path, size, mtime): output written by another build of pmkb is not reused.
std::string binary_identity() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return self.string() + "|" + std::to_string(fs::file_size(self, ec)) + "|" +
         std::to_string(fs::last_write_time(self, ec).time_since_epoch().count());
}

// A digest of what extraction depends on besides a source: this pmkb binary and the config
// files. The extraction cache of a build with another environment is not used.
std::uint64_t extraction_environment(const model::Settings& settings) {
  text::Digest digest;
  digest.add(binary_identity());
  for (const auto& [path, bytes] : settings.config_files) digest.add(path).add(bytes);
  return digest.value();
}

constexpr const char* kExportFile = "incidents.json";

// What relate_and_write_site() wrote: how many files, the pages' digests and the export's
// pieces.
struct Written {
  std::size_t files = 0;
  render::PageDigests pages;
  std::vector<exporter::Piece> exported;
};

// What relate_and_write_site() may take from the previous site: the pages' digests and the
// export's pieces.
struct Earlier {
  render::PageDigests pages;
  std::vector<exporter::Piece> exported;
};

// The bytes of `file` (read in one piece), or none when it cannot be read.
std::string read_file_or_empty(const fs::path& file) {
  std::ifstream in(file, std::ios::binary | std::ios::ate);
  const std::streamoff size = in ? static_cast<std::streamoff>(in.tellg()) : -1;
  if (size <= 0) return {};
  std::string bytes(static_cast<std::size_t>(size), '\0');
  in.seekg(0);
  return in.read(bytes.data(), size) ? bytes : std::string();
}

// OUT/.pmkb-stamps: each source's stamp and digest, so that the next build need not read the
// sources that did not change (content/file_stamps.h).
constexpr const char* kStampsFile = ".pmkb-stamps";

std::string encode_stamps(const std::vector<content::SourceFile>& sources) {
  std::vector<content::StampedSource> stamped;
  stamped.reserve(sources.size());
  for (const auto& source : sources) {
    if (source.stamp) stamped.push_back({source.path, source.display_path, *source.stamp, source.digest});
  }
  return content::FileStamps::encode(stamped, binary_identity());
}

// OUT/.pmkb-analysis: the similarities and themes, for the next build (cache/analysis_cache.h).
constexpr const char* kAnalysisFile = ".pmkb-analysis";

// The caches of a build that writes OUT: what the previous build left (its extraction cache,
// read with the sources; its analysis, under the lock), and where this build's go. Lint
// reads and writes none.
struct CacheUse {
  cache::ExtractionCache previous;
  content::FileStamps previous_stamps;
  std::string previous_analysis;  // the bytes of OUT/.pmkb-analysis
  std::uint64_t environment = 0;
  output::StagedOutput* staged = nullptr;
};

// The key of the library-wide analysis: everything similarity and themes read. Each incident's
// part is digested on up to `jobs` threads.
std::uint64_t analysis_key(const std::vector<model::AnalyzedIncident>& entries, std::uint64_t environment, unsigned jobs) {
  const std::vector<std::uint64_t> parts = parallel::map_indexes(entries.size(), jobs, [&](std::size_t i) {
    const model::Incident& incident = entries[i].incident;
    return text::Digest()
        .add(incident.id)
        .add(incident.language)
        .add(incident.title)
        .add(search::gist(incident))
        .add(entries[i].causes.empty() ? 0 : 1)
        .value();
  });
  text::Digest digest;
  digest.add(environment).add(entries.size());
  for (const std::uint64_t part : parts) digest.add(part);
  return digest.value();
}

// Similar incidents and themes: measured, or the previous build's when nothing they read changed.
cache::Analysis analyze_similarity(const std::vector<model::AnalyzedIncident>& incidents, unsigned jobs, const CacheUse& cache_use,
                                   StageClock& clock) {
  clock.start("similarity");
  const std::uint64_t key = cache_use.staged ? analysis_key(incidents, cache_use.environment, jobs) : 0;
  if (cache_use.staged) {
    if (auto previous = cache::decode_analysis(cache_use.previous_analysis, key, incidents.size())) {
      cache_use.staged->write({kAnalysisFile, cache_use.previous_analysis});
      clock.lap("similarity (kept)");
      return std::move(*previous);
    }
  }
  cache::Analysis analysis;
  analysis.similarities = search::find_similar_incidents(incidents, jobs);
  clock.lap("similarity");
  clock.start("themes");
  analysis.themes = search::find_themes(incidents, analysis.similarities, jobs);
  clock.lap("themes");
  if (cache_use.staged) cache_use.staged->write({kAnalysisFile, cache::encode_analysis(key, analysis)});
  return analysis;
}

// How many nice levels below the index writer the work beside it runs.
constexpr int kBesideTheIndex = 5;

// Relates the incidents of `site` and writes it. The index is written on its own threads from
// the start: it reads each incident and its causes, which are final, while this thread
// measures similarity and themes, fills in each incident's `related` and the site's `themes`
// (other members, which the index does not read), then renders on the worker pool. Pages go
// to the staging directory as they are rendered, and the pages and export pieces that
// `earlier` holds unchanged are kept from the previous site. Then the model is released, and
// the static search index is made from the database alone. The caller swaps the staging
// directory into place.
Written relate_and_write_site(model::Site site, const model::Settings& settings, const BuildOptions& options, const CacheUse& cache_use,
                              Earlier earlier, output::StagedOutput& staged, diag::Diagnostics& diagnostics, StageClock& clock) {
  const render::Theme theme = render::load_theme(settings.theme, theme_override_dir(options, settings.theme), diagnostics);
  const fs::path db_dir = staged.external_folder("xapian");
  search::IndexOptions index_options{options.jobs, std::nullopt, binary_identity(), extraction_environment(settings)};
  if (!options.clean && fs::is_directory(options.out_dir / "xapian")) index_options.previous = options.out_dir / "xapian";
  auto index = std::async(std::launch::async, [&] { search::build_index(site, db_dir, index_options); });
  std::atomic<std::size_t> written{0};
  const model::FileSink sink = [&](model::OutputFile file) {
    staged.write(file);
    ++written;
  };
  const auto keep = [&](const std::string& path) {  // a file of the previous site, unchanged
    if (!staged.keep(path)) return false;
    ++written;
    return true;
  };
  render::EarlierPages earlier_pages{std::move(earlier.pages), keep};
  const exporter::EarlierExport earlier_export{std::move(earlier.exported)};
  Written out;
  try {
    // The index writer is one thread that cannot be split, and the build's long pole: at the
    // same priority, the work beside it took a share of its core, and the writer finished
    // alone, a second after the pages, with the other core idle. That work runs on a thread
    // (and pool) of its own at a lower priority, so the writer keeps a core while the rest
    // shares the other: paired cold builds of 10k incidents took 0.92 of the time (median of 5).
    std::async(std::launch::async, [&] {
      parallel::lower_this_thread_priority(kBesideTheIndex);
      cache::Analysis analysis = analyze_similarity(site.incidents, options.jobs, cache_use, clock);
      clock.start("relate");
      analyze::relate_site(site, analysis.similarities, std::move(analysis.themes), {}, options.jobs);
      clock.lap("relate");
      clock.start("render + index");
      out.pages = render::render_site(site, settings, theme, options.jobs, sink, diagnostics, earlier_pages);
      staged.write_streamed(kExportFile, [&](const output::StagedOutput::Stream& stream) {
        out.exported = exporter::export_json(site, options.jobs, {stream.append, stream.copy_previous}, earlier_export);
      });
      ++written;
    }).get();
  } catch (...) {
    index.wait();  // the index threads read the site and write into the staging directory: let them finish first
    throw;
  }
  clock.lap("render + write");
  index.get();
  clock.lap("index");
  site = {};  // most of a large build's memory
  clock.start("static index");
  search::EarlierStaticIndex earlier_index;
  if (index_options.previous) earlier_index = {*index_options.previous, keep};
  search::build_static_index(db_dir, sink, options.jobs, {}, earlier_index);
  clock.lap("static index");
  out.files = written;
  return out;
}

// What a build reads: the settings (with the config files' bytes) and the sources.
struct Inputs {
  model::Settings settings;
  std::vector<content::SourceFile> sources;
  bool config_failed = false;  // pmkb.yaml had errors: nothing else was read
};

content::LoadOptions load_options(const model::Settings& settings) { return {settings.ignore, settings.max_file_bytes, {}}; }

// Reads the settings, then the sources. Given `cache_use` (a build that writes OUT), it also
// reads the extraction cache that the previous build left, unless --clean, and the sources
// that the cache holds are loaded without their text. The cache is content-addressed and
// replaced, never written in place, so it is safe to read before the lock is taken.
Inputs load_inputs(const BuildOptions& options, diag::Diagnostics& found, CacheUse* cache_use) {
  Inputs inputs;
  inputs.settings = config::load_settings(options.content_dir, options.config_file, found);
  if (found.count(diag::Level::Error) > 0) {
    inputs.config_failed = true;  // a broken config builds nothing
    return inputs;
  }
  content::LoadOptions load = load_options(inputs.settings);
  if (cache_use) {
    cache_use->environment = extraction_environment(inputs.settings);
    if (!options.clean) cache_use->previous = cache::ExtractionCache::read(options.out_dir / kCacheFile, cache_use->environment);
    const cache::ExtractionCache& previous = cache_use->previous;
    if (previous.size() > 0) {
      load.text_not_needed = [&previous](std::uint64_t digest) { return previous.find(digest).has_value(); };
      cache_use->previous_stamps = content::FileStamps::decode(read_file_or_empty(options.out_dir / kStampsFile), binary_identity());
      load.earlier = &cache_use->previous_stamps;
    }
  }
  inputs.sources = content::load_content(options.content_dir, load, found, options.jobs);
  return inputs;
}

// Counts the distinct causes among the incidents' (`causes`), and those that recur.
void count_causes(const std::vector<std::vector<model::CauseMatch>>& causes, AnalyzedLibrary& library) {
  std::map<std::string_view, std::size_t> incidents_with;
  for (const auto& matches : causes) {
    std::set<std::string_view> ids;
    for (const auto& match : matches) ids.insert(match.id);
    for (std::string_view id : ids) ++incidents_with[id];
  }
  library.causes = incidents_with.size();
  library.recurring_causes = static_cast<std::size_t>(
      std::count_if(incidents_with.begin(), incidents_with.end(), [](const auto& entry) { return entry.second > 1; }));
}

// Consumes the inputs: the sources' text is released once it is extracted, and the previous
// extraction cache once it has been read.
AnalyzedLibrary analyze_inputs(Inputs inputs, const BuildOptions& options, CacheUse& cache_use, diag::Diagnostics& found,
                               StageClock& clock) {
  AnalyzedLibrary library;
  library.settings = inputs.settings;
  const model::Settings& settings = library.settings;
  library.config_failed = inputs.config_failed;
  if (inputs.config_failed) return library;
  for (const auto& source : inputs.sources) library.display_paths[source.path] = source.display_path;
  library.documents = inputs.sources.size();
  clock.start("parse + extract + classify", inputs.sources.size());
  const extract::Body body = options.write_output ? extract::Body::Keep : extract::Body::Drop;
  const Reread reread = [&](const content::SourceFile& source, diag::Diagnostics& found_again) {
    diag::Diagnostics reading;
    auto again = content::read_content_file(options.content_dir, source.path, load_options(settings), reading);
    if (!again || again->digest != source.digest) found_again.merge(std::move(reading));
    return again;
  };
  if (cache_use.staged) cache_use.staged->write({kStampsFile, encode_stamps(inputs.sources)});
  std::vector<Extracted> extracted =
      extract_all(std::move(inputs.sources), settings, body, cache_use.previous, reread, options.jobs, clock.progress());
  if (cache_use.staged) write_extraction_cache(extracted, cache_use.environment, options.jobs, *cache_use.staged);
  Extraction extraction = merge_extracted(std::move(extracted), found);
  cache_use.previous = {};  // released once `extracted`, which looked into it, is gone
  std::vector<model::Incident> incidents = analyze::assign_unique_ids(std::move(extraction.incidents), found);
  std::vector<std::vector<model::CauseMatch>> causes = std::move(extraction.causes);
  clock.lap("parse + extract + classify");
  library.incidents = incidents.size();
  count_causes(causes, library);
  // The site and its relations report nothing: lint, which only reports, stops here.
  if (!options.write_output) return library;
  clock.start("assemble");
  library.site = analyze::assemble_site(std::move(incidents), std::move(causes), settings.taxonomy);
  clock.lap("assemble");
  return library;
}

// A digest of what every page depends on besides the library: this pmkb binary, the config
// files and the theme override files. Pages of a build with another environment are not kept.
std::string environment_fingerprint(const model::Settings& settings, const BuildOptions& options) {
  text::Digest digest;
  digest.add(extraction_environment(settings));
  std::error_code ec;
  if (auto themes = theme_override_dir(options, settings.theme)) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::recursive_directory_iterator(*themes, ec)) {
      if (entry.is_regular_file()) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      std::ifstream in(file, std::ios::binary);
      digest.add(file.string()).add(std::string(std::istreambuf_iterator<char>(in), {}));
    }
  }
  return digest.hex();
}

// A digest of everything the output depends on: the environment and every source (path,
// bytes and how its path is printed: its digest). Two builds with the same fingerprint write
// the same site.
std::string input_fingerprint(const Inputs& inputs, const std::string& environment) {
  text::Digest digest;
  digest.add(environment);
  for (const auto& source : inputs.sources) digest.add(source.digest);
  return digest.hex();
}

// OUT/.pmkb-state: the fingerprint of the inputs that OUT was built from, with that build's
// summary and diagnostics, so that a build of unchanged inputs can report them again
// without doing the work; and the environment and incident pages' digests, so that a build
// of changed inputs can keep the pages that did not change.
constexpr const char* kStateFile = ".pmkb-state";

struct State {
  std::string fingerprint;
  std::string environment;
  const BuildSummary& summary;
  const diag::Diagnostics& diagnostics;
  const render::PageDigests& pages;
  const std::vector<exporter::Piece>& exported;
};

std::string build_state(const State& state) {
  // [[path, digest], ...]: an array, not an object, which ordered_json would build with a
  // linear search for each key (quadratic: 14 s of a 100,000-incident build).
  nlohmann::ordered_json pages = nlohmann::ordered_json::array();
  for (const auto& [path, digest] : state.pages) pages.push_back({path, text::Digest::to_hex(digest)});
  nlohmann::ordered_json exported = nlohmann::ordered_json::array();
  for (const auto& piece : state.exported) exported.push_back({text::Digest::to_hex(piece.digest), piece.offset, piece.size});
  const nlohmann::ordered_json json = {{"fingerprint", state.fingerprint},
                                       {"environment", state.environment},
                                       {"documents", state.summary.documents},
                                       {"incidents", state.summary.incidents},
                                       {"causes", state.summary.causes},
                                       {"recurring_causes", state.summary.recurring_causes},
                                       {"diagnostics", diag::format_json(state.diagnostics.all())},
                                       {"pages", std::move(pages)},
                                       {"export", std::move(exported)}};
  return json.dump(1) + "\n";
}

// The state in the bytes of a state file, or null.
nlohmann::json parse_state(const std::string& bytes) {
  auto state = nlohmann::json::parse(bytes, nullptr, false);
  return state.is_object() ? state : nullptr;
}

// The state that the build which wrote OUT left, or null.
nlohmann::json read_state(const fs::path& out_dir) { return parse_state(read_file_or_empty(out_dir / kStateFile)); }

// Reads the top-level "fingerprint" of a state file and stops there, so that a build whose
// inputs changed does not parse the whole file (a megabyte or more) just to learn that.
class FingerprintReader : public nlohmann::json_sax<nlohmann::json> {
 public:
  const std::string& fingerprint() const { return fingerprint_; }
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool string(string_t& value) override {
    if (!at_fingerprint_) return true;
    fingerprint_ = value;
    return false;  // found: stop
  }
  bool key(string_t& name) override {
    at_fingerprint_ = depth_ == 1 && name == "fingerprint";
    return true;
  }
  bool start_object(std::size_t) override { return enter(); }
  bool end_object() override { return leave(); }
  bool start_array(std::size_t) override { return enter(); }
  bool end_array() override { return leave(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

 private:
  bool enter() {
    ++depth_;
    return true;
  }
  bool leave() {
    --depth_;
    return true;
  }
  int depth_ = 0;
  bool at_fingerprint_ = false;
  std::string fingerprint_;
};

// The fingerprint that the bytes of a state file record, or "" when there is none.
std::string recorded_fingerprint(const std::string& state_bytes) {
  FingerprintReader reader;
  nlohmann::json::sax_parse(state_bytes, &reader);
  return reader.fingerprint();
}

// The result of the build that left `state`, when it was built from inputs with `fingerprint`.
std::optional<BuildResult> previous_result(const nlohmann::json& state, const std::string& fingerprint) {
  if (!state.is_object() || state.value("fingerprint", "") != fingerprint) return std::nullopt;
  auto diagnostics = diag::parse_json(state.value("diagnostics", ""));
  if (!diagnostics) return std::nullopt;
  BuildResult result;
  for (auto& d : *diagnostics) result.diagnostics.report(std::move(d));
  result.summary.documents = state.value("documents", std::size_t{0});
  result.summary.incidents = state.value("incidents", std::size_t{0});
  result.summary.causes = state.value("causes", std::size_t{0});
  result.summary.recurring_causes = state.value("recurring_causes", std::size_t{0});
  result.summary.unchanged = true;
  return result;
}

// The pages' digests and the export's pieces of the build that left `state`, when it ran in
// `environment`.
Earlier previous_output(const nlohmann::json& state, const std::string& environment) {
  Earlier earlier;
  if (!state.is_object() || state.value("environment", "") != environment) return earlier;
  const auto digest_of = [](const nlohmann::json& hex) { return std::strtoull(hex.get_ref<const std::string&>().c_str(), nullptr, 16); };
  const nlohmann::json pages = state.value("pages", nlohmann::json::array());
  for (const auto& page : pages) {
    if (page.is_array() && page.size() == 2 && page[0].is_string() && page[1].is_string()) {
      earlier.pages.emplace(page[0].get<std::string>(), digest_of(page[1]));
    }
  }
  const nlohmann::json exported = state.value("export", nlohmann::json::array());
  for (const auto& piece : exported) {
    if (piece.is_array() && piece.size() == 3 && piece[0].is_string() && piece[1].is_number_unsigned() && piece[2].is_number_unsigned()) {
      earlier.exported.push_back({digest_of(piece[0]), piece[1].get<std::size_t>(), piece[2].get<std::size_t>()});
    }
  }
  return earlier;
}

}  // namespace

AnalyzedLibrary analyze_content(const BuildOptions& given, diag::Diagnostics& found) {
  BuildOptions options = given;
  if (options.jobs == 0) options.jobs = parallel::default_jobs();
  std::vector<std::pair<std::string, double>> seconds;
  StageClock clock(seconds, options.progress);
  clock.start("load");
  Inputs inputs = load_inputs(options, found, nullptr);
  clock.lap("load");
  CacheUse no_cache;
  AnalyzedLibrary library = analyze_inputs(std::move(inputs), options, no_cache, found, clock);
  library.stage_seconds = std::move(seconds);
  return library;
}

BuildResult run_build(const BuildOptions& given) {
  const auto started = std::chrono::steady_clock::now();
  BuildOptions options = given;
  if (options.jobs == 0) options.jobs = parallel::default_jobs();
  BuildResult result;
  StageClock clock(result.summary.stage_seconds, options.progress);
  diag::Diagnostics found;
  clock.start("load");
  CacheUse cache_use;
  Inputs inputs = load_inputs(options, found, options.write_output ? &cache_use : nullptr);
  clock.lap("load");
  std::string environment;
  std::string fingerprint;
  if (options.write_output && !inputs.config_failed) {
    environment = environment_fingerprint(inputs.settings, options);
    fingerprint = input_fingerprint(inputs, environment);
    const std::string state = options.clean ? std::string() : read_file_or_empty(options.out_dir / kStateFile);
    if (!state.empty() && recorded_fingerprint(state) == fingerprint) {
      if (auto previous = previous_result(parse_state(state), fingerprint)) {
        previous->summary.stage_seconds = std::move(result.summary.stage_seconds);
        previous->summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        return std::move(*previous);
      }
    }
  }
  // Taken before the work, so that a second build into OUT is refused at once.
  std::optional<output::StagedOutput> staged;
  if (options.write_output && !inputs.config_failed) staged.emplace(options.out_dir, !options.clean);
  if (staged) {
    // Read under the lock, like the previous pages below.
    if (!options.clean) cache_use.previous_analysis = read_file_or_empty(options.out_dir / kAnalysisFile);
    cache_use.staged = &*staged;
  }
  AnalyzedLibrary library = analyze_inputs(std::move(inputs), options, cache_use, found, clock);
  if (!library.config_failed) {
    result.summary.documents = library.documents;
    result.summary.incidents = library.incidents;
    result.summary.causes = library.causes;
    result.summary.recurring_causes = library.recurring_causes;
  }
  if (staged) {
    // Read under the lock: the files it describes are the ones `staged` keeps.
    Earlier earlier;
    if (!options.clean) earlier = previous_output(read_state(options.out_dir), environment);
    Written written =
        relate_and_write_site(std::move(library.site), library.settings, options, cache_use, std::move(earlier), *staged, found, clock);
    result.summary.files_written = written.files;
    result.diagnostics = finish_diagnostics(found, library.settings.rule_levels, library.display_paths);
    clock.start("commit");
    staged->write({kStateFile, build_state({fingerprint, environment, result.summary, result.diagnostics, written.pages, written.exported})});
    staged->commit(options.jobs);
    clock.lap("commit");
  } else {
    result.diagnostics = finish_diagnostics(found, library.settings.rule_levels, library.display_paths);
  }
  result.summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace pmkb::build
