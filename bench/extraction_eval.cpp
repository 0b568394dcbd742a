// Extraction accuracy on hand-labelled real postmortems (bench/extraction/labels.tsv).
// The documents are read in place from the corpus folder; only the labels live here.
//
//   extraction_eval LABELS.tsv CORPUS_DIR [--verbose]
//
// Prints per-field accuracy and exits 1 when a field is below its floor (issue #3).
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "config/settings_loader.h"
#include "content/front_matter.h"
#include "content/loader.h"
#include "extract/incident_extractor.h"
#include "markdown/parsed_document.h"
#include "text/text.h"

namespace {

using namespace pmkb;

struct Label {
  std::string path, title, date, severity, duration, timeline, actions;
};

std::vector<Label> read_labels(const std::string& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read " + file);
  std::vector<Label> labels;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto f = text::split(line, '\t');
    f.resize(8);
    labels.push_back({f[0], f[1], f[2], f[3], f[4], f[5], f[6]});
  }
  return labels;
}

// Markup and the separators of file-name titles ("db-failover" vs "Db failover") do not count.
std::string normalize_title(std::string_view title) {
  std::string out;
  for (char c : title) {
    if (c == '*' || c == '`') continue;
    out += (c == '_' || c == '-') ? ' ' : c;
  }
  return text::to_lower(text::collapse_whitespace(out));
}

bool count_close(std::size_t got, const std::string& expected) {
  const long want = std::stol(expected.empty() ? "0" : expected);
  if (want == 0) return got == 0;
  return std::abs(static_cast<double>(got) - static_cast<double>(want)) <= 0.2 * static_cast<double>(want);
}

struct Score {
  int right = 0;
  int total = 0;
  double percent() const { return total ? 100.0 * right / total : 0; }
};

}  // namespace

int main(int argc, char** argv) try {
  if (argc < 3) {
    std::cerr << "usage: extraction_eval LABELS.tsv CORPUS_DIR [--verbose]\n";
    return 2;
  }
  const std::filesystem::path corpus = argv[2];
  if (!std::filesystem::is_directory(corpus)) {
    std::cerr << "extraction_eval: corpus " << corpus << " not found; the evaluation reads ../shared/corpus/public\n";
    return 1;
  }
  const bool verbose = argc > 3 && std::string(argv[3]) == "--verbose";
  const auto settings = config::default_settings();
  const std::map<std::string, double> floors{{"title", 95}, {"date", 95}, {"severity", 95},
                                             {"duration", 85}, {"timeline", 85}, {"actions", 85}};
  std::map<std::string, Score> scores;
  std::set<std::string> sources;
  for (const Label& label : read_labels(argv[1])) {
    std::ifstream in(corpus / label.path, std::ios::binary);
    if (!in) throw std::runtime_error("labelled document missing: " + label.path);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    sources.insert(label.path.substr(0, label.path.find('/')));
    diag::Diagnostics d;
    const auto source = content::make_source_file(label.path, label.path, bytes.str(), d);
    const auto split = content::split_front_matter(source, d);
    const auto doc = markdown::parse_markdown(split.body, split.body_first_line, {});
    const auto incident = extract::extract_incident(source, split, doc, settings, d);
    const std::string title = incident ? incident->title : "";
    const std::string date = incident && incident->date ? model::to_iso(*incident->date) : "";
    const std::string severity = incident && incident->severity ? std::string(model::to_string(*incident->severity)) : "";
    const std::string duration = incident && incident->duration_minutes ? std::to_string(*incident->duration_minutes) : "";
    const std::size_t timeline = incident ? incident->timeline.size() : 0;
    const std::size_t actions = incident ? incident->action_items.size() : 0;
    const auto check = [&](const char* field, bool ok, const std::string& got, const std::string& want) {
      auto& s = scores[field];
      ++s.total;
      if (ok) ++s.right;
      else if (verbose) std::cout << "  " << field << " " << label.path << ": got \"" << got << "\", want \"" << want << "\"\n";
    };
    check("title", normalize_title(title) == normalize_title(label.title), title, label.title);
    check("date", date == label.date, date, label.date);
    check("severity", severity == label.severity, severity, label.severity);
    check("duration", duration == label.duration, duration, label.duration);
    check("timeline", count_close(timeline, label.timeline), std::to_string(timeline), label.timeline);
    check("actions", count_close(actions, label.actions), std::to_string(actions), label.actions);
  }
  bool pass = true;
  std::cout << "extraction accuracy over " << scores["title"].total << " labelled documents from " << sources.size()
            << " sources\n";
  for (const char* field : {"title", "date", "severity", "duration", "timeline", "actions"}) {
    const Score& s = scores[field];
    const bool ok = s.percent() + 1e-9 >= floors.at(field);
    pass = pass && ok;
    std::printf("  %-9s %5.1f%%  (%d/%d, floor %.0f%%)%s\n", field, s.percent(), s.right, s.total, floors.at(field),
                ok ? "" : "  BELOW FLOOR");
  }
  return pass ? 0 : 1;
} catch (const std::exception& e) {
  std::cerr << "extraction_eval: " << e.what() << "\n";
  return 1;
}
