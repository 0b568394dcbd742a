// pmkb: a static site generator for incident postmortems (see README.md).
// main() parses the command line, runs one command and maps its outcome to an exit status:
// 0 success, 1 content errors (or warnings with --strict), 2 usage error, 3 environment failure.
#include <sys/ioctl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <memory>
#include <string_view>

#include "build/build.h"
#include "build/summary.h"
#include "progress/progress.h"
#include "scaffold/new_postmortem.h"
#include "serve/site_server.h"
#include "cli/serve_command.h"
#include "search/query.h"

namespace {

using pmkb::diag::Format;

constexpr int kContentErrors = 1;
constexpr int kUsageError = 2;
constexpr int kEnvironmentFailure = 3;

struct OutputOptions {
  std::string format = "text";
  bool strict = false;
  bool quiet = false;
  bool timings = false;
};

Format parse_format(const std::string& name) {
  if (name == "json") return Format::Json;
  if (name == "github") return Format::Github;
  return Format::Text;
}

int report(const pmkb::build::BuildResult& result, const OutputOptions& output, pmkb::build::Command command) {
  const auto& d = result.diagnostics;
  std::cerr << pmkb::diag::format(d.sorted(), parse_format(output.format));
  const int errors = d.count(pmkb::diag::Level::Error);
  const int warnings = d.count(pmkb::diag::Level::Warning);
  // --format json keeps stderr one JSON document.
  if (!output.quiet && output.format != "json") std::cerr << pmkb::build::summary_line(command, result) << "\n";
  if (output.timings) {
    for (const auto& [stage, seconds] : result.summary.stage_seconds) {
      char line[96];
      std::snprintf(line, sizeof line, "  %-26s %8.3f s\n", stage.c_str(), seconds);
      std::cerr << line;
    }
  }
  if (errors > 0 || (output.strict && warnings > 0)) return kContentErrors;
  return 0;
}

// A live progress line only for a person at a terminal: not with --quiet, not when stderr is
// a file or a pipe, and not under CI (CI set to anything but "", "0" or "false").
bool wants_progress_line(const OutputOptions& output) {
  if (output.quiet || ::isatty(STDERR_FILENO) == 0) return false;
  const char* ci = std::getenv("CI");
  const std::string_view ci_value = ci == nullptr ? "" : ci;
  return ci_value.empty() || ci_value == "0" || ci_value == "false";
}

std::size_t terminal_columns() {
  winsize size{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 80;
}

std::string plain_snippet(const std::string& html, bool color) {
  std::string out;
  for (std::size_t i = 0; i < html.size();) {
    if (html.compare(i, 6, "<mark>") == 0) { out += color ? "\033[1m" : ""; i += 6; continue; }
    if (html.compare(i, 7, "</mark>") == 0) { out += color ? "\033[0m" : ""; i += 7; continue; }
    bool replaced = false;
    for (auto [entity, ch] : {std::pair{"&amp;", "&"}, std::pair{"&lt;", "<"}, std::pair{"&gt;", ">"},
                              std::pair{"&quot;", "\""}, std::pair{"&#39;", "'"}}) {
      const std::string_view e = entity;
      if (html.compare(i, e.size(), e) == 0) {
        out += ch;
        i += e.size();
        replaced = true;
        break;
      }
    }
    if (replaced) continue;
    out += html[i] == '\n' ? ' ' : html[i];
    ++i;
  }
  return out;
}

void print_results(const pmkb::search::SearchResults& results) {
  const bool color = ::isatty(STDOUT_FILENO) != 0;
  std::cout << results.total << (results.total == 1 ? " incident" : " incidents") << " match \"" << results.query << "\"\n";
  int rank = 0;
  for (const auto& hit : results.hits) {
    std::cout << "\n" << ++rank << ". " << hit.title << "  [" << hit.score << "%]\n";
    std::cout << "   " << (hit.date.empty() ? "undated" : hit.date) << " · " << (hit.severity.empty() ? "severity unknown" : hit.severity);
    if (!hit.causes.empty()) {
      std::cout << " · causes:";
      for (const auto& c : hit.causes) std::cout << " " << c;
    }
    std::cout << "\n   " << hit.url << "  (" << hit.source << ", match in " << hit.section << ")\n";
    std::cout << "   " << plain_snippet(hit.snippet, color) << "\n";
  }
  if (!results.suggestion.empty()) std::cout << "\nDid you mean: " << results.suggestion << "\n";
}

void add_output_options(CLI::App* command, OutputOptions& output) {
  command->add_option("--format", output.format, "Diagnostics format: text (path:line:col: level: message [rule]), json or github")
      ->check(CLI::IsMember({"text", "json", "github"}));
  command->add_flag("--strict", output.strict, "Exit with status 1 on warnings too, not only errors");
  command->add_flag("-q,--quiet", output.quiet, "Print only diagnostics: no progress line, no summary");
  command->add_flag("--timings", output.timings, "Print how long each stage took");
}

}  // namespace

int main(int argc, char** argv) try {
  CLI::App app{"pmkb turns a directory of Markdown incident postmortems into a searchable, cross-linked static "
               "knowledge base (HTML site, Xapian index, incidents.json)."};
  app.set_version_flag("--version", std::string("pmkb ") + PMKB_VERSION);
  app.require_subcommand(1);
  app.footer("Exit status: 0 ok, 1 content errors (or warnings with --strict), 2 usage error, 3 environment failure.\n"
             "Run `pmkb COMMAND --help` for examples.");

  pmkb::build::BuildOptions build_options;
  OutputOptions output;
  std::string content_dir = "content";
  std::string out_dir = "public";
  std::string config_file;

  CLI::App* build = app.add_subcommand("build", "Parse, analyze, index and write the site");
  build->add_option("CONTENT_DIR", content_dir, "Folder of postmortems (*.md, *.markdown)")->capture_default_str();
  build->add_option("-o,--out", out_dir, "Output folder for the site")->capture_default_str();
  build->add_option("-c,--config", config_file, "Config file (default: CONTENT_DIR/pmkb.yaml, then ./pmkb.yaml)");
  add_output_options(build, output);
  build->add_flag("--clean", build_options.clean, "Redo everything and rewrite every file, even if nothing changed");
  build->add_option("-j,--jobs", build_options.jobs, "Worker threads (default: one per core); the output is the same for any count")
      ->check(CLI::Range(0u, 256u));
  build->footer("Examples:\n  pmkb build                       # content/ -> public/\n"
                "  pmkb build postmortems -o site --strict --format github");

  CLI::App* lint = app.add_subcommand("lint", "Check every postmortem like build does, writing nothing");
  lint->add_option("CONTENT_DIR", content_dir, "Folder of postmortems")->capture_default_str();
  lint->add_option("-c,--config", config_file, "Config file");
  add_output_options(lint, output);
  lint->add_option("-j,--jobs", build_options.jobs, "Worker threads (default: one per core)")->check(CLI::Range(0u, 256u));
  lint->footer("Examples:\n  pmkb lint content\n  pmkb lint postmortems --strict --format github   # in CI");

  pmkb::search::SearchRequest request;
  std::vector<std::string> words;
  std::string site_dir = "public";
  std::string sort = "relevance";
  bool json = false;
  CLI::App* search = app.add_subcommand("search", "Full-text search of a built library");
  search->add_option("QUERY", words, "Words, \"phrases\", AND/OR/NOT, title:, summary:, rootcause:, cause:, service:, severity:, year:, prefix*")->required();
  search->add_option("-s,--site", site_dir, "The built site (the -o of pmkb build)")->capture_default_str();
  search->add_flag("--json", json, "Print one JSON object");
  search->add_option("--limit", request.limit, "Number of results")->capture_default_str()->check(CLI::Range(1, 1000));
  search->add_option("--offset", request.offset, "Skip this many results")->capture_default_str()->check(CLI::Range(0, 100000));
  search->add_option("--severity", request.severities, "Only these severities (SEV1..SEV4); repeatable");
  search->add_option("--service", request.services, "Only these services; repeatable");
  search->add_option("--cause", request.causes, "Only these cause ids; repeatable");
  search->add_option("--since", request.since, "Only incidents on or after YYYY-MM-DD");
  search->add_option("--until", request.until, "Only incidents on or before YYYY-MM-DD");
  search->add_option("--sort", sort, "relevance, newest or oldest")->capture_default_str()->check(CLI::IsMember({"relevance", "newest", "oldest"}));
  search->footer("Examples:\n  pmkb search redis aof restore\n  pmkb search -s public \"certificate expired\" --severity SEV1\n"
                 "  pmkb search 'cause:disk-full' --sort newest --json");

  pmkb::serve::ServeOptions serve_options;
  std::string serve_site = "public";
  std::string watch_dir;
  CLI::App* serve = app.add_subcommand("serve", "Serve the built site and a JSON search API (/api/search)");
  serve->add_option("-s,--site", serve_site, "The built site (the -o of pmkb build)")->capture_default_str();
  serve->add_option("--host", serve_options.host, "Address to bind; loopback unless you mean to share it")->capture_default_str();
  serve->add_option("--port", serve_options.port, "Port (0 picks a free one)")->capture_default_str()->check(CLI::Range(0, 65535));
  serve->add_option("--watch", watch_dir, "Rebuild from this content folder when a file changes, and reload open pages");
  serve->footer("Examples:\n  pmkb serve                          # http://127.0.0.1:8080/\n"
                "  pmkb serve --watch content          # rebuild and live-reload while you write\n"
                "  curl 'http://127.0.0.1:8080/api/search?q=redis+aof&severity=SEV1'");

  std::string new_title;
  std::string new_dir = "content";
  CLI::App* create = app.add_subcommand("new", "Start a new postmortem from the default template");
  create->add_option("TITLE", new_title, "What failed, e.g. \"Checkout API outage\"")->required();
  create->add_option("--dir", new_dir, "Content folder to write into")->capture_default_str();
  create->footer("Example:\n  pmkb new \"Checkout API outage\"     # writes content/YYYY-MM-DD-checkout-api-outage.md");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kUsageError;
  }

  if (*serve) {
    serve_options.site_dir = serve_site;
    pmkb::build::BuildOptions watch_options;
    if (!watch_dir.empty()) {
      watch_options.content_dir = watch_dir;
      watch_options.out_dir = serve_site;
      if (!config_file.empty()) watch_options.config_file = config_file;
    }
    return pmkb::cli::run_server(serve_options, watch_dir.empty() ? std::nullopt : std::optional(watch_options));
  }

  if (*create) {
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    ::gmtime_r(&now, &utc);
    const auto path = pmkb::scaffold::write_new_postmortem(new_dir, new_title, {utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday});
    std::cout << "wrote " << path.string() << "\nfill in the <fill me> parts, then check it with: pmkb lint " << new_dir << "\n";
    return 0;
  }

  build_options.content_dir = content_dir;
  build_options.out_dir = out_dir;
  if (!config_file.empty()) build_options.config_file = config_file;

  if (*build || *lint) {
    build_options.write_output = static_cast<bool>(*build);
    std::unique_ptr<pmkb::progress::TerminalProgress> progress;
    if (wants_progress_line(output)) {
      progress = std::make_unique<pmkb::progress::TerminalProgress>(std::cerr, terminal_columns());
      build_options.progress = progress.get();
    }
    const auto result = pmkb::build::run_build(build_options);
    if (progress) progress->finish();
    return report(result, output, *build ? pmkb::build::Command::Build : pmkb::build::Command::Lint);
  }
  for (const auto& word : words) request.query += (request.query.empty() ? "" : " ") + word;
  request.sort = sort == "newest" ? pmkb::search::SortOrder::Newest
                 : sort == "oldest" ? pmkb::search::SortOrder::Oldest
                                    : pmkb::search::SortOrder::Relevance;
  const auto results = pmkb::search::search_site(site_dir, request);
  if (json) std::cout << pmkb::search::to_json(results);
  else print_results(results);
  return 0;
} catch (const std::invalid_argument& e) {
  std::cerr << "pmkb: " << e.what() << "\n";
  return kUsageError;
} catch (const std::exception& e) {
  std::cerr << "pmkb: " << e.what() << "\n";
  return kEnvironmentFailure;
}
