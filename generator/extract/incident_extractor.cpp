#include "extract/incident_extractor.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>

#include "extract/actions.h"
#include "extract/dates.h"
#include "extract/outline.h"
#include "extract/severity.h"
#include "extract/timeline.h"
#include "text/digest.h"
#include "text/text.h"

namespace pmkb::extract {

using content::FrontMatterValue;
using model::Field;
using model::Origin;
using model::OriginKind;
using model::SectionKind;

namespace {

/*** Small helpers ***/

std::string detect_language(std::string_view text) {
  std::size_t cjk = 0;
  std::size_t letters = 0;
  for (std::size_t i = 0; i < text.size() && letters < 20000;) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {  // most of most postmortems: no decoding
      letters += text::is_ascii_alnum(byte) ? 1 : 0;
      ++i;
      continue;
    }
    const char32_t cp = text::next_code_point(text, i);
    if (text::is_cjk(cp)) ++cjk;
    if (text::is_letter_or_digit(cp)) ++letters;
  }
  if (letters > 0 && cjk * 5 > letters) return "ja";
  const std::string lower = text::to_lower(text.substr(0, 20000));
  // Counts the function words standing between two spaces, in one pass.
  constexpr std::array<std::string_view, 9> kGerman = {"der", "die", "und", "ist", "nicht", "wir", "wurde", "werden", "auf"};
  constexpr std::array<std::string_view, 7> kEnglish = {"the", "and", "is", "was", "were", "we", "to"};
  int german = 0;
  int english = 0;
  std::size_t space = lower.find(' ');
  while (space != std::string::npos) {
    const std::size_t next = lower.find(' ', space + 1);
    if (next == std::string::npos) break;
    const std::string_view word = std::string_view(lower).substr(space + 1, next - space - 1);
    if (word.size() <= 6) {
      german += static_cast<int>(std::count(kGerman.begin(), kGerman.end(), word));
      english += static_cast<int>(std::count(kEnglish.begin(), kEnglish.end(), word));
    }
    space = next;
  }
  return german > english ? "de" : "en";
}

// Day-first when the language says so, when a numeric date can only be read day-first, or
// when an ambiguous one ("03/10/2021") is the day-first reading of an ISO date in the file
// name or text ("2021-10-03").
DayOrder detect_day_order(std::string_view text, const std::string& language, std::string_view path) {
  if (language == "de") return DayOrder::DayFirst;
  std::vector<model::CivilDate> iso_dates;
  for (std::string_view where : {path, text.substr(0, 4000)}) {
    for (std::size_t from = 0; from < where.size();) {
      const auto hit = find_date(where, DayOrder::MonthFirst, std::nullopt, from);
      if (!hit) break;
      if (where.substr(hit->pos, 4).find_first_not_of("0123456789") == std::string_view::npos) iso_dates.push_back(hit->date);
      from = hit->pos + hit->length;
    }
  }
  for (std::size_t pos = text.find('/'); pos != std::string_view::npos; pos = text.find('/', pos + 1)) {
    std::size_t start = pos;
    while (start > 0 && text::is_ascii_digit(static_cast<unsigned char>(text[start - 1])) && pos - start < 2) --start;
    if (start == pos || (start > 0 && text::is_ascii_alnum(static_cast<unsigned char>(text[start - 1])))) continue;
    const int first = std::atoi(std::string(text.substr(start, pos - start)).c_str());
    std::size_t end = pos + 1;
    while (end < text.size() && text::is_ascii_digit(static_cast<unsigned char>(text[end])) && end - pos <= 2) ++end;
    if (end == pos + 1 || end >= text.size() || text[end] != '/') continue;
    const int second = std::atoi(std::string(text.substr(pos + 1, end - pos - 1)).c_str());
    if (first > 12 && second <= 12) return DayOrder::DayFirst;
    if (second > 12 && first <= 12) return DayOrder::MonthFirst;
    for (const auto& iso : iso_dates) {
      if (iso.day == first && iso.month == second && first != second) return DayOrder::DayFirst;
      if (iso.month == first && iso.day == second) return DayOrder::MonthFirst;
    }
  }
  return DayOrder::MonthFirst;
}

// Strips leading emoji, symbols and mojibake ("üìõ ") from a title.
std::string clean_title(std::string_view title) { return text::collapse_whitespace(text::strip_leading_symbols(title)); }

// "2025-07-09-klamm-redis_outage.md" -> "2025-07-09 klamm redis outage", "db-failover.md" -> "Db failover"
std::string title_from_path(std::string_view path) {
  std::string_view name = path.substr(path.find_last_of('/') == std::string_view::npos ? 0 : path.find_last_of('/') + 1);
  name = name.substr(0, name.find('.'));
  std::string out;
  if (auto date = find_date(name, DayOrder::MonthFirst); date && date->pos == 0) {
    out = std::string(name.substr(0, date->length)) + " ";
    name.remove_prefix(date->length);
  }
  for (char c : name) out += (c == '-' || c == '_') ? ' ' : c;
  out = text::collapse_whitespace(out);
  if (out.empty()) out = std::string(name);
  if (!out.empty()) out[0] = static_cast<char>(text::ascii_upper(static_cast<unsigned char>(out[0])));
  return out;
}

std::string_view file_stem(std::string_view path) {
  const std::size_t slash = path.find_last_of('/');
  std::string_view name = path.substr(slash == std::string_view::npos ? 0 : slash + 1);
  return name.substr(0, name.find('.'));
}

// "018edf27-f738-448d-8c46-947cd3b6d5b0": a name that says nothing to a reader.
bool is_id_like(std::string_view stem) {
  if (stem.size() < 16) return false;
  return std::all_of(stem.begin(), stem.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) || c == '-'; });
}

std::string id_from_path(std::string_view path) {
  const std::size_t dot = path.find_last_of('.');
  return text::slugify(path.substr(0, dot));
}

std::vector<std::string> split_list(std::string_view value) {
  std::vector<std::string> out;
  std::string current;
  const auto flush = [&] {
    std::string item(text::trim(current));
    if (!item.empty() && !is_placeholder(item)) out.push_back(std::move(item));
    current.clear();
  };
  for (char c : value) {
    if (c == ',' || c == ';') flush();
    else current += c;
  }
  flush();
  return out;
}

/*** The extractor ***/

struct DateSource {
  model::CivilDate date;
  std::string what;  // "front matter `date`", "the title", ...
  int line = 0;
  Origin origin;
};

class Extractor {
 public:
  Extractor(const content::SourceFile& source, const content::SplitDocument& split, const markdown::ParsedDocument& doc,
            const model::Settings& settings, diag::Diagnostics& diagnostics, Body body)
      : source_(source), fm_(split.front_matter), doc_(doc), settings_(settings), diagnostics_(diagnostics), body_(body),
        outline_(build_outline(doc, settings.vocabulary)) {}

  model::Incident run() {
    incident_.source = source_.path;
    incident_.source_digest = text::Digest().add(source_.text).value();
    body_text_ = body_text();
    if (body_ == Body::Keep) {
      incident_.body_html = model::CompressedText(doc_.html);
      incident_.body_text = model::CompressedText(body_text_);
    }
    read_postmortem_links();
    read_language();
    read_id();
    read_title();
    read_passages();
    read_narrative();
    read_people_and_services();
    read_severity();
    read_dates();
    read_duration();
    read_timeline();
    check_date_conflicts();
    read_action_items();
    read_declared_causes();
    lint_text();
    return std::move(incident_);
  }

 private:
  void warn(std::string rule, int line, std::string message, diag::Level level = diag::Level::Warning) {
    diagnostics_.report(level, {source_.display_path, line, line > 0 ? 1 : 0}, std::move(message), std::move(rule));
  }

  void set_origin(Field field, OriginKind kind, std::string detail, int line) {
    incident_.provenance[field] = Origin{kind, std::move(detail), line};
  }

  const FrontMatterValue* fm(std::initializer_list<std::string_view> keys) const { return fm_.find(keys); }

  std::vector<const Label*> labels(model::LabelKind kind) const {
    std::vector<const Label*> out;
    for (const Label& label : outline_.labels) {
      if (label.kind == kind && !text::trim(label.value).empty()) out.push_back(&label);
    }
    return out;
  }

  std::vector<const Section*> sections(SectionKind kind) const {
    std::vector<const Section*> out;
    for (const Section& section : outline_.sections) {
      if (section.kind == kind) out.push_back(&section);
    }
    return out;
  }

  std::string body_text() const {
    std::string out;
    for (const auto& block : doc_.blocks) {
      if (block.kind == markdown::BlockKind::Rule) continue;
      if (!out.empty()) out += '\n';
      out += block.text;
    }
    return out;
  }

  // Links to other postmortems, with the paths they name resolved against this file's folder
  // ("../db/outage.md" from "teams/web/a.md" is "teams/db/outage.md").
  void read_postmortem_links() {
    const std::string& source = source_.path;
    const std::string folder = source.find('/') == std::string::npos ? "" : source.substr(0, source.rfind('/') + 1);
    for (const auto& link : doc_.markdown_file_links) {
      std::vector<std::string> parts;
      for (auto& part : text::split(folder + link.path, '/')) {
        if (part.empty() || part == ".") continue;
        if (part == "..") {
          if (!parts.empty()) parts.pop_back();
          continue;
        }
        parts.push_back(std::move(part));
      }
      std::string target;
      for (const auto& part : parts) target += (target.empty() ? "" : "/") + part;
      incident_.postmortem_links.push_back({link.begin, link.end, link.href, std::move(target)});
    }
  }

  void read_language() {
    if (const auto* v = fm({"lang", "language", "locale"})) {
      incident_.language = text::to_lower(text::trim(v->text())).substr(0, 2);
    } else {
      incident_.language = detect_language(body_text_);
    }
    order_ = detect_day_order(body_text_, incident_.language, source_.path);
  }

  void read_id() {
    if (const auto* v = fm({"id", "incident_id", "uuid", "incident.id"})) {
      incident_.id = text::collapse_whitespace(v->text());
      set_origin(Field::Id, OriginKind::FrontMatter, v->key, v->line);
    } else {
      incident_.id = id_from_path(source_.path);
      set_origin(Field::Id, OriginKind::FileName, source_.path, 0);
    }
    incident_.slug = text::slugify(incident_.id);
  }

  // "Incident Post-Mortem Template": a short title-like line naming a template.
  bool is_template_title(std::string_view title) const {
    const std::string_view trimmed = text::trim(title);
    if (trimmed.ends_with(':') || std::count(trimmed.begin(), trimmed.end(), ' ') > 5) return false;
    const std::string lower = text::normalize_phrase(title);
    return lower.find("template") != std::string::npos &&
           (lower.find("mortem") != std::string::npos || lower.find("incident") != std::string::npos ||
            lower.find("report") != std::string::npos);
  }

  void read_title() {
    if (const auto* v = fm({"title", "name", "incident.title", "summary_title"})) {
      incident_.title = clean_title(v->text());
      set_origin(Field::Title, OriginKind::FrontMatter, v->key, v->line);
    } else if (outline_.title && !is_template_title(outline_.title->text) && !clean_title(outline_.title->text).empty()) {
      incident_.title = clean_title(outline_.title->text);
      const bool heading = outline_.title->kind == markdown::BlockKind::Heading;
      set_origin(Field::Title, heading ? OriginKind::Heading : OriginKind::Label, heading ? "first heading" : "first bold line",
                 outline_.title->line);
    }
    warn_template_title();
    if (incident_.title.empty() && is_id_like(file_stem(source_.path))) {
      if (auto sentence = first_sentence()) {
        incident_.title = sentence->first;
        set_origin(Field::Title, OriginKind::Text, "first sentence", sentence->second);
        warn("missing-title", sentence->second, "no title found; using the first sentence. Add `title:` to the front matter or a `# Heading` at the top");
        return;
      }
    }
    if (incident_.title.empty()) {
      incident_.title = title_from_path(source_.path);
      set_origin(Field::Title, OriginKind::FileName, source_.path, 0);
      warn("missing-title", 1, "no title found; using \"" + incident_.title +
           "\" from the file name. Add `title:` to the front matter or a `# Heading` at the top");
    }
  }

  // The first sentence of the body, cut at a word boundary, and its line.
  std::optional<std::pair<std::string, int>> first_sentence() const {
    for (const auto& block : doc_.blocks) {
      if (block.kind != markdown::BlockKind::Paragraph || text::trim(block.text).empty()) continue;
      std::string text = text::collapse_whitespace(block.text);
      const std::size_t stop = text.find(". ");
      if (stop != std::string::npos) text.resize(stop);
      if (text.size() > 90) {
        const std::size_t space = text.rfind(' ', 90);
        text = text.substr(0, space == std::string::npos ? 90 : space) + "\xE2\x80\xA6";
      }
      return std::pair{text, block.line};
    }
    return std::nullopt;
  }

  // A template's own title ("Incident Post-Mortem Template") is never the incident's.
  void warn_template_title() {
    for (const auto& block : doc_.blocks) {
      if (block.line - doc_.blocks.front().line > 12) return;
      for (const auto& line : block.lines) {
        if (is_template_title(line.text) && text::trim(line.text).size() < 60) {
          warn("template-title", line.line, "\"" + std::string(text::trim(line.text)) +
               "\" is a template's title, not the incident's; replace it with a title that names what failed");
          return;
        }
      }
    }
  }

  void read_narrative() {
    struct Target { SectionKind kind; Field field; std::string* into; };
    const Target targets[] = {
        {SectionKind::Summary, Field::Summary, &incident_.summary},
        {SectionKind::Impact, Field::Impact, &incident_.impact},
        {SectionKind::Detection, Field::Detection, &incident_.detection},
        {SectionKind::RootCause, Field::RootCause, &incident_.root_cause},
        {SectionKind::ContributingFactors, Field::ContributingFactors, &incident_.contributing_factors},
        {SectionKind::Trigger, Field::Trigger, &incident_.trigger},
        {SectionKind::Resolution, Field::Resolution, &incident_.resolution},
        {SectionKind::Lessons, Field::Lessons, &incident_.lessons}};
    for (const Target& target : targets) {
      if (const auto* v = fm({to_string(target.field)})) {
        *target.into = v->text();
        set_origin(target.field, OriginKind::FrontMatter, v->key, v->line);
        continue;
      }
      const Section* best = nullptr;
      std::string best_text;
      for (const Section* section : sections(target.kind)) {
        std::string text = text_with_subsections(*section);
        if (text::trim(text).empty()) continue;
        const auto key = [](const Section* s, const std::string& t) { return std::tuple(s->exact, -s->rank, t.size()); };
        if (!best || key(section, text) > key(best, best_text)) {
          best = section;
          best_text = std::move(text);
        }
      }
      if (!best) continue;
      *target.into = text::truncate_utf8(best_text, 20000);
      set_origin(target.field, best->origin == OriginKind::Label ? OriginKind::Label : OriginKind::Heading, best->heading, best->line);
    }
  }

  // A section's text followed by the text of its subsections of the same kind
  // ("## Mitigation" / "### Immediate actions" / ...), each under its heading.
  std::string text_with_subsections(const Section& section) const {
    std::string out = section.text();
    const auto& all = outline_.sections;
    const std::size_t index = static_cast<std::size_t>(&section - all.data());
    for (std::size_t k = index + 1; k < all.size() && all[k].level > section.level && all[k].level <= 6; ++k) {
      if (all[k].kind != section.kind) continue;
      const std::string sub = all[k].text();
      if (sub.empty()) continue;
      if (!out.empty()) out += '\n';
      out += text::collapse_whitespace(text::strip_leading_symbols(all[k].heading)) + ":\n" + sub;
    }
    return out;
  }

  void read_list_field(Field field, std::vector<std::string>& into, std::initializer_list<std::string_view> keys,
                       std::optional<model::LabelKind> label_kind) {
    if (const auto* v = fm(keys)) {
      for (const auto& item : v->items) {
        for (auto& part : split_list(item)) into.push_back(std::move(part));
      }
      set_origin(field, OriginKind::FrontMatter, v->key, v->line);
      return;
    }
    if (!label_kind) return;
    const auto found = labels(*label_kind);
    if (found.empty()) return;
    into = split_list(found.front()->value);
    set_origin(field, found.front()->origin, found.front()->name, found.front()->line);
  }

  void read_people_and_services() {
    read_list_field(Field::Services, incident_.services,
                    {"services", "service", "affected_services", "components", "component", "affected", "systems", "product", "products"},
                    model::LabelKind::Services);
    for (auto& service : incident_.services) {
      if (auto it = settings_.service_aliases.find(text::to_lower(service)); it != settings_.service_aliases.end()) service = it->second;
    }
    std::sort(incident_.services.begin(), incident_.services.end());
    incident_.services.erase(std::unique(incident_.services.begin(), incident_.services.end()), incident_.services.end());
    read_list_field(Field::Tags, incident_.tags, {"tags", "keywords", "categories", "labels"}, std::nullopt);
    read_list_field(Field::Authors, incident_.authors, {"authors", "author", "owner", "owners", "written_by"}, model::LabelKind::Authors);
    if (const auto* v = fm({"status", "state", "incident.status"})) {
      incident_.status = v->text();
      set_origin(Field::Status, OriginKind::FrontMatter, v->key, v->line);
    } else if (const auto found = labels(model::LabelKind::Status); !found.empty()) {
      incident_.status = text::collapse_whitespace(found.front()->value);
      set_origin(Field::Status, found.front()->origin, found.front()->name, found.front()->line);
    }
  }

  void read_severity() {
    std::string label;
    Origin origin;
    const auto body_labels = labels(model::LabelKind::Severity);
    if (const auto* v = fm({"severity", "sev", "max_severity", "priority", "incident.severity", "impact_level", "level"})) {
      label = v->text();
      origin = {OriginKind::FrontMatter, v->key, v->line};
      // Front matter wins; a body that says otherwise is worth a look.
      if (!body_labels.empty()) {
        const auto written = normalize_severity(body_labels.front()->value, settings_.severity_map);
        const auto declared = normalize_severity(label, settings_.severity_map);
        if (written && declared && written != declared) {
          warn("front-matter-conflict", body_labels.front()->line,
               "severity \"" + body_labels.front()->value + "\" here disagrees with front matter `" + v->key + ": " + label +
                   "` (line " + std::to_string(v->line) + "), which pmkb uses; make them agree");
        }
      }
    } else if (!body_labels.empty()) {
      label = body_labels.front()->value;
      origin = {body_labels.front()->origin, body_labels.front()->name, body_labels.front()->line};
    } else {
      return;  // never guessed from the impact
    }
    label = text::collapse_whitespace(label);
    if (is_placeholder(label)) return;
    incident_.severity_label = label;
    incident_.severity = normalize_severity(label, settings_.severity_map);
    if (incident_.severity) {
      incident_.provenance[Field::Severity] = origin;
    } else {
      warn("unknown-severity", origin.line, "severity \"" + label +
           "\" is not recognized; use SEV1..SEV4 or P1..P4, or map it under `severity:` in pmkb.yaml");
    }
  }

  std::optional<model::TimePoint> fm_time(std::initializer_list<std::string_view> keys, Origin& origin) const {
    const auto* v = fm(keys);
    if (!v) return std::nullopt;
    const std::string value = v->text();
    const auto date = find_date(value, order_);
    if (!date) return std::nullopt;
    model::TimePoint point{date->date, std::nullopt, std::nullopt};
    if (auto time = find_time(value, date->pos + date->length)) {
      point.minute_of_day = time->minute_of_day;
      point.utc_offset_minutes = time->utc_offset_minutes ? time->utc_offset_minutes : settings_.default_utc_offset_minutes;
    } else if (value.size() > date->pos + date->length + 2) {
      // ISO "2024-06-20T16:00:00Z" or "2019-01-15 10:00:00 -0800" from YAML/TOML timestamps.
      if (auto t = find_time(std::string_view(value).substr(date->pos + date->length))) {
        point.minute_of_day = t->minute_of_day;
        point.utc_offset_minutes = t->utc_offset_minutes;
      }
    }
    origin = {OriginKind::FrontMatter, v->key, v->line};
    return point;
  }

  // Collects the candidates in precedence order, picks the first, and reports disagreement.
  void read_dates() {
    Origin origin;
    start_fm_ = fm_time({"start_time", "started_at", "start", "incident_start", "incident.start", "started", "begin", "date", "incident_date", "pubdate"}, origin);
    if (start_fm_) date_sources_.push_back({start_fm_->date, "front matter `" + origin.detail + "`", origin.line, origin});
    end_fm_ = fm_time({"end_time", "ended_at", "resolved_at", "end", "resolvedwhen", "resolved_when", "resolved_on", "resolved", "incident.end", "ended"}, end_origin_);
    for (model::LabelKind kind : {model::LabelKind::Date, model::LabelKind::Start, model::LabelKind::Duration}) {
      for (const Label* label : labels(kind)) {
        if (auto hit = find_date(label->value, order_)) {
          date_sources_.push_back({hit->date, "the \"" + label->name + "\" line", label->line, {label->origin, label->name, label->line}});
          break;
        }
      }
    }
    // "On 2023-07-20 between 12:17 and 12:30 UTC all downloads failed": an explicit statement
    // of when the impact was, stronger than a timeline that may open with its background.
    if (auto stated = stated_window_date()) date_sources_.push_back(*stated);
    std::optional<DateSource> title_date;
    if (auto hit = find_date(incident_.title, order_)) {
      const auto& p = incident_.provenance[Field::Title];
      title_date = DateSource{hit->date, "the title", p.line, {OriginKind::Title, "title", p.line}};
    }
    if (auto first = first_timeline_date()) {
      // A timeline that opens with background weeks before the date in the title (a latent
      // change, an old release) does not move the incident date.
      const bool background = title_date && model::days_from_civil(title_date->date) - model::days_from_civil(first->date) > 7;
      if (background) date_sources_.push_back(*title_date);
      date_sources_.push_back(*first);
      if (background) title_date.reset();
    }
    if (title_date) date_sources_.push_back(*title_date);
    const std::size_t strong_sources = date_sources_.size();
    for (const std::string* prose : {&incident_.summary, &incident_.impact}) {
      if (auto hit = find_date(*prose, order_)) {
        const Field field = prose == &incident_.summary ? Field::Summary : Field::Impact;
        const auto& p = incident_.provenance[field];
        date_sources_.push_back({hit->date, "the " + std::string(to_string(field)), p.line, {OriginKind::Text, p.detail, p.line}});
        break;
      }
    }
    if (date_sources_.empty()) {
      if (auto early = first_body_date()) date_sources_.push_back(*early);
    }
    if (date_sources_.empty()) {
      warn("missing-date", 1, "no incident date found; add `date: YYYY-MM-DD` to the front matter or a `**Date:**` line");
      return;
    }
    const DateSource& chosen = date_sources_.front();
    incident_.date = chosen.date;
    incident_.provenance[Field::Date] = chosen.origin;
    strong_sources_ = strong_sources;
  }

  // Two sources disagree when they are more than a day apart. The timeline counts as the span
  // of its dates, so a reverse-chronological status page or a multi-day incident agrees with
  // any date it covers.
  void check_date_conflicts() {
    if (date_sources_.empty()) return;
    const DateSource& chosen = date_sources_.front();
    // The incident's span: its date, its end, and every dated timeline entry.
    long first_day = model::days_from_civil(chosen.date);
    long last_day = first_day;
    const auto cover = [&](const model::CivilDate& date) {
      const long day = model::days_from_civil(date);
      first_day = std::min(first_day, day);
      last_day = std::max(last_day, day);
    };
    if (incident_.end) cover(incident_.end->date);
    for (const auto& entry : incident_.timeline) {
      if (entry.time) cover(entry.time->date);
    }
    for (std::size_t i = 1; i < strong_sources_; ++i) {
      const DateSource& other = date_sources_[i];
      const long day = model::days_from_civil(other.date);
      if (day < first_day - 1 || day > last_day + 1) {
        warn("date-conflict", other.line, "date " + model::to_iso(other.date) + " in " + other.what + " (line " +
             std::to_string(other.line) + ") disagrees with " + model::to_iso(chosen.date) + " from " + chosen.what +
             " (line " + std::to_string(chosen.line) + "), which pmkb uses; correct whichever is wrong");
        break;
      }
    }
  }

  std::optional<DateSource> stated_window_date() const {
    for (const auto& passage : incident_.passages) {
      if (passage.is_title || (passage.section != SectionKind::Summary && passage.section != SectionKind::Other)) continue;
      if (passage.line > 40) break;
      const auto window = find_stated_window(passage.text);
      if (!window) continue;
      // The date must be in the same sentence as the window.
      const std::size_t from = passage.text.rfind(". ", window->first.pos);
      const std::size_t to = passage.text.find(". ", window->first.pos);
      const std::string_view sentence = std::string_view(passage.text).substr(from == std::string::npos ? 0 : from, to == std::string::npos ? std::string::npos : to - (from == std::string::npos ? 0 : from));
      if (auto hit = find_date(sentence, order_); hit && hit->has_year) {
        return DateSource{hit->date, "the stated time window", passage.line, {OriginKind::Text, "stated time window", passage.line}};
      }
    }
    return std::nullopt;
  }

  // Last resort: the first full date near the top of the body ("At 01:52 UTC, 2022-10-28, ...").
  std::optional<DateSource> first_body_date() const {
    // "On August 16, ..." takes its year from the first full date of the document.
    std::optional<int> year;
    for (const auto& passage : incident_.passages) {
      if (auto hit = find_date(passage.text, order_)) {
        year = hit->date.year;
        break;
      }
    }
    std::size_t seen = 0;
    for (const auto& passage : incident_.passages) {
      if (passage.is_title) continue;
      if (auto hit = find_date(passage.text, order_, year); hit) {
        return DateSource{hit->date, "the text", passage.line, {OriginKind::Text, "first date in the text", passage.line}};
      }
      seen += passage.text.size();
      if (seen > 3000) break;
    }
    return std::nullopt;
  }

  // The timeline's first dated entry, in document order: a typo later in the timeline does not move the date.
  // The timeline's first dated entry, in document order (a typo later in the timeline does not
  // move the date). Leading entries that only record a latent change ("PR merged", "AMI
  // released") are background: the incident starts with the first entry after them.
  std::optional<DateSource> first_timeline_date() const {
    std::optional<DateSource> first;
    std::optional<model::CivilDate> current;
    int skipped = 0;
    const auto consider = [&](std::string_view text, int line, const Origin& origin) -> bool {
      const auto stamp = find_leading_stamp(text, order_, current ? std::optional(current->year) : std::nullopt);
      if (!stamp) return false;
      if (stamp->date && stamp->date->has_year) current = stamp->date->date;
      if (!current) return false;
      const std::string rest(text::trim(text.substr(std::min(stamp->length, text.size()))));
      if (rest.empty() && !stamp->time) return false;  // a date heading for the entries below it
      DateSource source{*current, "the timeline", line, origin};
      if (!first) first = source;
      if (is_latent_change(rest) && skipped < 3) {
        ++skipped;
        return false;
      }
      first = source;
      return true;
    };
    for (const Section* section : sections(SectionKind::Timeline)) {
      if (consider(section->heading, section->line, {OriginKind::Timeline, section->heading, section->line})) return first;
      for (const Unit& unit : section->units) {
        if (unit.kind == markdown::BlockKind::Code || unit.kind == markdown::BlockKind::Html) continue;
        const Origin origin{OriginKind::Timeline, section->heading, unit.line};
        if (unit.kind == markdown::BlockKind::TableRow && !unit.block->cells.empty()) {
          std::string joined;
          for (const auto& cell : unit.block->cells) joined += cell + " ";
          if (consider(joined, unit.line, origin)) return first;
          continue;
        }
        if (consider(unit.text, unit.line, origin)) return first;
      }
    }
    return first;
  }

  static bool is_latent_change(std::string_view text) {
    const std::string lower = text::to_lower(text.substr(0, 160));
    for (std::string_view cue : {"merged", "released", "was published", "is published", "uploaded", "pull request", " pr "}) {
      if (lower.find(cue) != std::string::npos) return true;
    }
    return false;
  }

  void set_window(const model::CivilDate& date, const TimeHit& start, const TimeHit& end, const Origin& origin) {
    const auto zone = start.utc_offset_minutes ? start.utc_offset_minutes : settings_.default_utc_offset_minutes;
    model::TimePoint s{date, start.minute_of_day, zone};
    long end_day = model::days_from_civil(date) + (end.minute_of_day < start.minute_of_day ? 1 : 0);
    model::TimePoint e{model::civil_from_days(end_day), end.minute_of_day, end.utc_offset_minutes ? end.utc_offset_minutes : zone};
    incident_.start = s;
    incident_.end = e;
    set_origin(Field::Start, origin.kind, origin.detail, origin.line);
    set_origin(Field::End, origin.kind, origin.detail, origin.line);
  }

  void read_duration() {
    const auto set = [&](int minutes, OriginKind kind, std::string detail, int line) {
      if (minutes <= 0 || minutes > 60 * 24 * 365) return false;
      incident_.duration_minutes = minutes;
      set_origin(Field::Duration, kind, std::move(detail), line);
      return true;
    };
    if (start_fm_) {
      incident_.start = start_fm_;
      incident_.provenance[Field::Start] = date_sources_.front().origin;
    }
    if (end_fm_) {
      incident_.end = end_fm_;
      incident_.provenance[Field::End] = end_origin_;
    }
    if (const auto* v = fm({"duration", "duration_minutes", "downtime", "time_to_repair", "ttr"})) {
      const std::string value = v->text();
      std::optional<int> minutes = find_duration(value);
      if (!minutes) minutes = plain_minutes(value);
      if (minutes && set(*minutes, OriginKind::FrontMatter, v->key, v->line)) return;
    }
    if (start_fm_ && end_fm_ && start_fm_->minute_of_day && end_fm_->minute_of_day) {
      const long minutes = model::epoch_minutes(*end_fm_) - model::epoch_minutes(*start_fm_);
      if (set(static_cast<int>(minutes), OriginKind::FrontMatter, "start and end", end_origin_.line)) return;
    }
    for (const Label* label : labels(model::LabelKind::Duration)) {
      const Origin origin{label->origin, label->name, label->line};
      const auto window = find_time_window(label->value);
      if (window && incident_.date && !incident_.start) set_window(*incident_.date, window->first, window->second, origin);
      if (auto minutes = find_duration(label->value); minutes && set(*minutes, label->origin, label->name, label->line)) return;
      if (window) {
        int minutes = window->second.minute_of_day - window->first.minute_of_day;
        if (minutes < 0) minutes += 1440;
        if (set(minutes, label->origin, label->name, label->line)) return;
      }
    }
    const auto starts = labels(model::LabelKind::Start);
    const auto ends = labels(model::LabelKind::End);
    if (!starts.empty() && !ends.empty()) {
      const auto a = find_time(starts.front()->value);
      const auto b = find_time(ends.front()->value);
      const auto da = find_date(starts.front()->value, order_);
      const auto db = find_date(ends.front()->value, order_);
      if (a && b) {
        long minutes = b->minute_of_day - a->minute_of_day;
        if (da && db) minutes += (model::days_from_civil(db->date) - model::days_from_civil(da->date)) * 1440;
        else if (minutes < 0) minutes += 1440;
        if (da && !incident_.start) {
          const Origin origin{starts.front()->origin, starts.front()->name, starts.front()->line};
          set_window(da->date, *a, *b, origin);
          if (db) incident_.end->date = db->date;
        }
        if (set(static_cast<int>(minutes), starts.front()->origin, starts.front()->name + " and " + ends.front()->name, starts.front()->line)) return;
      }
    }
    for (Field field : {Field::Summary, Field::Impact, Field::Resolution}) {
      const std::string& prose = field == Field::Summary ? incident_.summary : field == Field::Impact ? incident_.impact : incident_.resolution;
      if (auto minutes = find_stated_duration(prose)) {
        const auto& p = incident_.provenance[field];
        if (set(*minutes, OriginKind::Text, p.detail, p.line)) return;
      }
    }
    // "between 12:17 and 12:30 UTC", "for approximately 47 minutes" in the opening paragraphs.
    for (const auto& passage : incident_.passages) {
      if (passage.is_title || (passage.section != SectionKind::Summary && passage.section != SectionKind::Other)) continue;
      if (auto minutes = find_stated_duration(passage.text)) {
        if (set(*minutes, OriginKind::Text, "stated duration", passage.line)) return;
      }
      if (auto window = find_stated_window(passage.text)) {
        int minutes = window->second.minute_of_day - window->first.minute_of_day;
        if (minutes < 0) minutes += 1440;
        const Origin origin{OriginKind::Text, "stated time window", passage.line};
        if (incident_.date && !incident_.start) set_window(*incident_.date, window->first, window->second, origin);
        if (set(minutes, OriginKind::Text, "stated time window", passage.line)) return;
      }
      if (passage.line > 40) break;
    }
  }

  // Lists of timestamped events outside a timeline heading ("- **Context**:" bullets, logs):
  // a list of three or more items, four in five of them starting with a date or time.
  std::vector<Section> stamped_lists() const {
    std::map<int, Section> lists;
    std::map<int, std::pair<int, int>> counts;  // list id -> (items, stamped)
    for (const Section& section : outline_.sections) {
      if (section.kind == SectionKind::Timeline || section.kind == SectionKind::ActionItems) continue;
      for (const Unit& unit : section.units) {
        if (unit.kind != markdown::BlockKind::ListItem) continue;
        const int id = unit.block->list_id;
        auto& [items, stamped] = counts[id];
        ++items;
        const auto stamp = find_leading_stamp(unit.text, order_, incident_.date ? std::optional(incident_.date->year) : std::nullopt);
        if (stamp && stamp->time) ++stamped;
        auto& list = lists[id];
        if (list.units.empty()) {
          list.kind = SectionKind::Timeline;
          list.heading = section.heading;
          list.line = unit.line;
          list.level = 9;
        }
        list.units.push_back(unit);
      }
    }
    std::vector<Section> out;
    for (auto& [id, list] : lists) {
      const auto [items, stamped] = counts[id];
      if (items >= 3 && stamped * 5 >= items * 4) out.push_back(std::move(list));
    }
    std::sort(out.begin(), out.end(), [](const Section& a, const Section& b) { return a.line < b.line; });
    return out;
  }

  // Bounds the memory one document can cost downstream (every entry becomes a view on several
  // pages): no postmortem has thousands of action items; a generated or pasted file might.
  static constexpr std::size_t kMaxTimelineEntries = 5000;
  static constexpr std::size_t kMaxActionItems = 1000;
  template <typename Item>
  void cap(const char* what, std::vector<Item>& items, std::size_t limit) {
    if (items.size() <= limit) return;
    warn("too-many-items", items[limit].line,
         std::to_string(items.size()) + " " + what + "; only the first " + std::to_string(limit) +
             " are kept (is this list generated?)");
    items.resize(limit);
  }

  void read_timeline() {
    // Times without a zone take the zone of the stated window ("10:30 AM to 12:45 PM EDT").
    const auto zone = incident_.start && incident_.start->utc_offset_minutes ? incident_.start->utc_offset_minutes
                                                                               : settings_.default_utc_offset_minutes;
    TimelineContext context{order_, incident_.date, zone, incident_.start};
    std::vector<const Section*> timeline_sections = sections(SectionKind::Timeline);
    const std::vector<Section> extra = stamped_lists();
    for (const Section& list : extra) timeline_sections.push_back(&list);
    std::stable_sort(timeline_sections.begin(), timeline_sections.end(), [](const Section* a, const Section* b) { return a->line < b->line; });
    auto result = extract_timeline(timeline_sections, context);
    incident_.timeline = std::move(result.entries);
    cap("timeline entries", incident_.timeline, kMaxTimelineEntries);
    if (!incident_.timeline.empty()) {
      set_origin(Field::Timeline, OriginKind::Heading, timeline_sections.front()->heading, timeline_sections.front()->line);
    }
    if (result.out_of_order) {
      warn("timeline-out-of-order", result.out_of_order->first,
           "timeline entry goes back in time from the entry at line " + std::to_string(result.out_of_order->second) +
           "; check its date or move it into order");
    }
  }

  void read_action_items() {
    std::vector<const Section*> others;
    for (const Section& section : outline_.sections) {
      if (section.kind != SectionKind::ActionItems && section.kind != SectionKind::Timeline) others.push_back(&section);
    }
    incident_.action_items = extract_action_items(sections(SectionKind::ActionItems), others, settings_.vocabulary);
    cap("action items", incident_.action_items, kMaxActionItems);
    if (!incident_.action_items.empty()) {
      const auto action_sections = sections(SectionKind::ActionItems);
      if (!action_sections.empty()) set_origin(Field::ActionItems, OriginKind::Heading, action_sections.front()->heading, action_sections.front()->line);
      else set_origin(Field::ActionItems, OriginKind::Text, "checklist", incident_.action_items.front().line);
    }
    int without_owner = 0;
    for (const auto& item : incident_.action_items) {
      if (item.owner.empty() && item.status != model::ActionStatus::Done && without_owner++ == 0) {
        warn("action-without-owner", item.line, "action item has no owner; add one as `@name`, an Owner column, or `Owner: name`",
             diag::Level::Info);
      }
    }
  }

  void read_declared_causes() {
    if (const auto* v = fm({"causes", "cause_ids", "root_causes"})) {
      for (const auto& item : v->items) {
        for (auto& id : split_list(item)) {
          id = text::to_lower(id);
          if (!settings_.taxonomy.find(id)) {
            warn("unknown-cause", v->line, "cause \"" + id + "\" is not in the cause taxonomy; use one of its ids " +
                 "(see causes/index.html) or add it under `taxonomy:` in pmkb.yaml", diag::Level::Error);
          }
          incident_.declared_causes.push_back({id, v->line});
        }
      }
      set_origin(Field::Causes, OriginKind::FrontMatter, v->key, v->line);
    }
    if (const auto* v = fm({"causes_override", "override_causes"})) {
      incident_.declared_causes_replace = text::to_lower(v->text()) == "true" || v->text() == "yes";
    }
  }

  void read_passages() {
    incident_.passages.push_back({incident_.provenance[Field::Title].line, incident_.title, {}, SectionKind::Summary, true});
    for (const Section& section : outline_.sections) {
      // Text before the first heading is the document's own summary of itself.
      const SectionKind kind = &section == &outline_.sections.front() ? SectionKind::Summary : section.kind;
      const markdown::Block* previous = nullptr;
      for (const Unit& unit : section.units) {
        if (unit.kind == markdown::BlockKind::Code || unit.kind == markdown::BlockKind::Html) continue;
        auto& passages = incident_.passages;
        if (unit.kind == markdown::BlockKind::Paragraph && unit.block == previous && !passages.back().is_title) {
          // Continue the paragraph so that a sentence wrapped over lines stays whole.
          passages.back().text += ' ';
          passages.back().line_starts.emplace_back(passages.back().text.size(), unit.line);
          passages.back().text += unit.text;
        } else {
          passages.push_back({unit.line, unit.text, {}, kind, false});
        }
        previous = unit.block;
      }
    }
  }

  // The first body line whose source mentions `target`, else the first line of the body.
  int first_line_mentioning(const std::string& target) const {
    const std::size_t at = source_.text.find(target);
    if (at == std::string::npos) return 1;
    return 1 + static_cast<int>(std::count(source_.text.begin(), source_.text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
  }

  void lint_text() {
    // The lines outside code blocks, lower-cased once as one text, '\n' after each: each phrase
    // below is looked for in it with memmem, not line by line.
    std::vector<const markdown::TextLine*> lines;
    std::vector<std::size_t> starts;
    std::string joined;
    for (const auto& block : doc_.blocks) {
      if (block.kind == markdown::BlockKind::Code) continue;
      for (const auto& line : block.lines) {
        lines.push_back(&line);
        starts.push_back(joined.size());
        joined += line.text;
        joined += '\n';
      }
    }
    const std::string lower = text::to_lower(joined);  // the same length
    const auto line_at = [&](std::size_t offset) {
      return static_cast<std::size_t>(std::upper_bound(starts.begin(), starts.end(), offset) - starts.begin()) - 1;
    };
    const auto first_at = [&](std::string_view phrase, std::size_t from) -> std::size_t {
      if (from >= lower.size()) return std::string::npos;
      const void* found = ::memmem(lower.data() + from, lower.size() - from, phrase.data(), phrase.size());
      return found ? static_cast<std::size_t>(static_cast<const char*>(found) - lower.data()) : std::string::npos;
    };
    std::vector<char> placeholder(lines.size(), 0);
    for (std::string_view phrase : {"yyyy-mm-dd", "[hh:mm", "<fill", "team/individual"}) {
      for (std::size_t at = first_at(phrase, 0); at != std::string::npos;) {
        const std::size_t i = line_at(at);
        placeholder[i] = 1;
        at = i + 1 < starts.size() ? first_at(phrase, starts[i + 1]) : std::string::npos;  // on from the next line
      }
    }
    int placeholders = 0;
    std::set<int> reported;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const std::string_view text_lower = std::string_view(lower).substr(starts[i], lines[i]->text.size());
      if (!placeholder[i] && text::trim(text_lower) != "tba" && text::trim(text_lower) != "tbd") continue;
      last_placeholder_line_ = lines[i]->line;
      if (placeholders++ < 3 && reported.insert(lines[i]->line).second) {
        warn("unfilled-placeholder", lines[i]->line, "template placeholder \"" + text::truncate_utf8(text::trim(lines[i]->text), 60) +
             "\" is not filled in; replace it or delete the line");
      }
    }
    // Blame: once per document, at the first line with one of the phrases (the first phrase
    // of the list, when a line has several).
    std::size_t blame_line = lines.size();
    std::string_view blame_phrase;
    for (std::string_view phrase : {"human error", "forgot to", "was careless", "carelessness", "negligen", "should have known",
                                    "fault of", "to blame", "blamed"}) {
      const std::size_t at = first_at(phrase, 0);
      if (at != std::string::npos && line_at(at) < blame_line) {
        blame_line = line_at(at);
        blame_phrase = phrase;
      }
    }
    if (blame_line < lines.size()) {
      warn("blame-language", lines[blame_line]->line, "\"" + std::string(blame_phrase) +
           "\" reads as blame; describe what made the action possible instead (blameless postmortems)", diag::Level::Info);
    }
    if (placeholders > 3) {
      warn("unfilled-placeholder", last_placeholder_line_, std::to_string(placeholders - 3) +
           " more template placeholder(s) below the ones reported; search the file for <fill me>, YYYY-MM-DD or TBA");
    }
    for (const auto& target : doc_.dropped_relative_links) {
      warn("broken-link", first_line_mentioning(target), "link to \"" + target +
           "\" points at a file the site does not have, so it links nowhere; link to a full URL instead");
    }
    if (doc_.blocks_cut_at_line > 0) {
      warn("too-many-items", doc_.blocks_cut_at_line,
           "more than " + std::to_string(markdown::kMaxBlocks) +
               " paragraphs, list items, headings and table rows; fields are read from the first ones only "
               "(the page shows everything): is this text generated?");
    }
    if (doc_.deep_nesting_line > 0) {
      warn("deep-nesting", doc_.deep_nesting_line,
           "block quotes or lists nested " + std::to_string(doc_.deepest_nesting) + " levels deep (more than " +
               std::to_string(markdown::kDeepNesting) + "); " +
               (doc_.deepest_nesting > markdown::kMaxRenderedNesting ? "the page shows the text unformatted"
                                                                     : "browsers flatten such pages") +
               ": is this text generated?");
    }
    if (doc_.unsafe_links > 0) {
      warn("unsafe-link", doc_.first_unsafe_link_line,
           std::to_string(doc_.unsafe_links) + " javascript:/data: link(s) removed from the page");
    }
  }

  const content::SourceFile& source_;
  const content::FrontMatter& fm_;
  const markdown::ParsedDocument& doc_;
  const model::Settings& settings_;
  diag::Diagnostics& diagnostics_;
  const Body body_;
  const Outline outline_;
  model::Incident incident_;
  std::string body_text_;  // the body as plain text, for language and date detection (incident_ keeps it deflated)
  DayOrder order_ = DayOrder::MonthFirst;
  std::vector<DateSource> date_sources_;
  std::optional<model::TimePoint> start_fm_;
  std::optional<model::TimePoint> end_fm_;
  Origin end_origin_;
  int last_placeholder_line_ = 0;
  std::size_t strong_sources_ = 0;  // date_sources_ before the prose ones
};

bool is_empty_document(const content::SplitDocument& split, const markdown::ParsedDocument& doc) {
  if (!split.front_matter.values.empty()) return false;
  return std::all_of(doc.blocks.begin(), doc.blocks.end(), [](const markdown::Block& b) { return text::trim(b.text).empty(); });
}

}  // namespace

std::optional<model::Incident> extract_incident(const content::SourceFile& source, const content::SplitDocument& split,
                                                const markdown::ParsedDocument& doc, const model::Settings& settings,
                                                diag::Diagnostics& diagnostics, Body body) {
  if (is_empty_document(split, doc)) {
    diagnostics.report(diag::Level::Warning, {source.display_path, 1, 1},
                       "document is empty; write the postmortem or delete the file", "empty-document");
    return std::nullopt;
  }
  return Extractor(source, split, doc, settings, diagnostics, body).run();
}

}  // namespace pmkb::extract
