#include "export/json_export.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "parallel/parallel.h"
#include "text/digest.h"

namespace pmkb::exporter {

namespace {

using Json = nlohmann::ordered_json;

template <typename T, typename F>
Json optional_json(const std::optional<T>& value, F convert) {
  return value ? Json(convert(*value)) : Json();
}

Json text_or_null(const std::string& s) { return s.empty() ? Json() : Json(s); }

Json timeline_json(const model::Incident& incident) {
  Json out = Json::array();
  for (const auto& e : incident.timeline) {
    out.push_back({{"time", e.time ? Json(model::to_iso(*e.time)) : Json()},
                   {"time_text", e.time_text},
                   {"text", e.text},
                   {"line", e.line},
                   {"kind", e.kind == model::TimelineKind::Unknown ? Json() : Json(model::to_string(e.kind))}});
  }
  return out;
}

Json actions_json(const model::Incident& incident) {
  Json out = Json::array();
  for (const auto& a : incident.action_items) {
    out.push_back({{"text", a.text},
                   {"owner", text_or_null(a.owner)},
                   {"status", model::to_string(a.status)},
                   {"priority", text_or_null(a.priority)},
                   {"due", text_or_null(a.due)},
                   {"line", a.line}});
  }
  return out;
}

Json provenance_json(const model::Incident& incident) {
  Json out = Json::object();
  for (const auto& [field, origin] : incident.provenance) {
    Json o = {{"from", model::to_string(origin.kind)}, {"detail", origin.detail}};
    o["line"] = origin.line > 0 ? Json(origin.line) : Json();
    out[std::string(model::to_string(field))] = o;
  }
  return out;
}

Json incident_json(const model::AnalyzedIncident& entry) {
  const auto& i = entry.incident;
  Json causes = Json::array();
  for (const auto& c : entry.causes) {
    causes.push_back({{"id", c.id}, {"title", c.title}, {"evidence", c.evidence},
                      {"line", c.line > 0 ? Json(c.line) : Json()}, {"source", model::to_string(c.source)}});
  }
  Json related = Json::array();
  for (const auto& r : entry.related) related.push_back({{"id", r.id}, {"reason", model::reason(r)}});
  const auto iso_date = [](const model::CivilDate& d) { return model::to_iso(d); };
  const auto iso_point = [](const model::TimePoint& p) { return model::to_iso(p); };
  return {{"id", i.id},
          {"title", i.title},
          {"source", i.source},
          {"url", model::incident_url(i)},
          {"date", optional_json(i.date, iso_date)},
          {"start", optional_json(i.start, iso_point)},
          {"end", optional_json(i.end, iso_point)},
          {"duration_minutes", i.duration_minutes ? Json(*i.duration_minutes) : Json()},
          {"severity", i.severity ? Json(model::to_string(*i.severity)) : Json()},
          {"severity_label", text_or_null(i.severity_label)},
          {"status", text_or_null(i.status)},
          {"services", i.services},
          {"tags", i.tags},
          {"authors", i.authors},
          {"language", i.language},
          {"summary", text_or_null(i.summary)},
          {"impact", text_or_null(i.impact)},
          {"detection", text_or_null(i.detection)},
          {"root_cause", text_or_null(i.root_cause)},
          {"contributing_factors", text_or_null(i.contributing_factors)},
          {"trigger", text_or_null(i.trigger)},
          {"resolution", text_or_null(i.resolution)},
          {"lessons", text_or_null(i.lessons)},
          {"timeline", timeline_json(i)},
          {"action_items", actions_json(i)},
          {"causes", causes},
          {"related", related},
          {"provenance", provenance_json(i)}};
}

// What incident_json() reads, besides the settings: the incident is a function of its
// postmortem's bytes and path, and of its id and page, which the library assigns.
std::uint64_t piece_digest(const model::AnalyzedIncident& entry) {
  const model::Incident& i = entry.incident;
  text::Digest digest;
  digest.add(i.source_digest).add(i.source).add(i.id).add(i.slug).add(entry.causes.size());
  for (const auto& c : entry.causes) {
    digest.add(c.id).add(c.title).add(c.evidence).add(static_cast<std::uint64_t>(c.line)).add(static_cast<std::uint64_t>(c.source));
  }
  digest.add(entry.related.size());
  for (const auto& r : entry.related) digest.add(r.id).add(model::reason(r));
  return digest.value();
}

}  // namespace

namespace {

std::string dump(const Json& value) { return value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace); }

// `json` (pretty-printed, so without raw line breaks inside strings) indented by `spaces` more.
void append_indented(std::string& out, const std::string& json, std::size_t spaces) {
  const std::string indent(spaces, ' ');
  out.reserve(out.size() + json.size() + json.size() / 8);
  for (std::size_t line = 0; line < json.size();) {
    const std::size_t end = std::min(json.find('\n', line), json.size() - 1) + 1;
    out += indent;
    out.append(json, line, end - line);
    line = end;
  }
  if (json.empty() || json.back() == '\n') out += indent;
}

}  // namespace

std::vector<Piece> export_json(const model::Site& site, unsigned jobs, const ExportSink& sink, const EarlierExport& earlier) {
  // The incidents are printed one at a time, as they would be inside the whole document, so
  // that only one incident's JSON tree is in memory at once (a library's tree is many times
  // the size of its text).
  Json causes = Json::array();
  for (const auto& c : site.causes) {
    causes.push_back({{"id", c.id},
                      {"title", c.title},
                      {"description", c.description},
                      {"count", c.incident_ids.size()},
                      {"incidents", c.incident_ids},
                      {"first_seen", c.first_seen ? Json(model::to_iso(*c.first_seen)) : Json()},
                      {"last_seen", c.last_seen ? Json(model::to_iso(*c.last_seen)) : Json()}});
  }
  std::unordered_map<std::uint64_t, const Piece*> before;
  for (const Piece& piece : earlier.pieces) before.emplace(piece.digest, &piece);
  std::size_t written = 0;
  const auto emit = [&](std::string_view bytes) {
    sink.append(bytes);
    written += bytes.size();
  };
  const auto print = [&](std::size_t i) {
    std::string piece;
    append_indented(piece, dump(incident_json(site.incidents[i])), 4);
    return piece;
  };
  const auto separator = [](std::size_t i) { return i == 0 ? "\n" : ",\n"; };
  std::vector<Piece> pieces(site.incidents.size());
  // A run of pieces [first, last] to copy from the earlier export, which holds them in this
  // order with the same separators: the bytes from the first's offset to the last's end.
  struct Run {
    std::size_t first = 0;
    std::size_t last = 0;
    std::size_t from = 0;  // offset in the earlier export
    std::size_t end = 0;
  };
  std::optional<Run> run;
  const auto finish_run = [&] {
    if (!run) return;
    const Run r = *run;
    run.reset();
    if (sink.copy_earlier && sink.copy_earlier(r.from, r.end - r.from)) {
      written += r.end - r.from;
      return;
    }
    written = pieces[r.first].offset;  // nothing was copied: print the run where it goes
    for (std::size_t i = r.first; i <= r.last; ++i) {
      if (i != r.first) emit(separator(i));
      const std::string bytes = print(i);
      pieces[i].offset = written;
      pieces[i].size = bytes.size();
      emit(bytes);
    }
  };
  emit("{\n  \"taxonomy_version\": " + dump(Json(site.taxonomy.version)) + ",\n  \"incidents\": [");
  // Printed on the pool a few hundred at a time, and handed on in order.
  constexpr std::size_t kChunk = 256;
  for (std::size_t begin = 0; begin < site.incidents.size(); begin += kChunk) {
    struct Printed {
      std::string bytes;
      const Piece* earlier = nullptr;  // or the same piece in the earlier export
    };
    const std::vector<Printed> printed = parallel::map_indexes(std::min(kChunk, site.incidents.size() - begin), jobs, [&](std::size_t k) {
      const std::size_t i = begin + k;
      pieces[i].digest = piece_digest(site.incidents[i]);
      if (const auto found = before.find(pieces[i].digest); found != before.end()) return Printed{{}, found->second};
      return Printed{print(i), nullptr};
    });
    for (std::size_t k = 0; k < printed.size(); ++k) {
      const std::size_t i = begin + k;
      const std::string_view sep = separator(i);
      if (const Piece* from = printed[k].earlier) {
        // The run's bytes include the separators between its pieces: those of the earlier
        // export, which are this one's when the piece follows the run's last one there.
        const bool continues = run && from->offset == run->end + sep.size();
        if (!continues) {
          finish_run();
          emit(sep);
          run = Run{i, i, from->offset, from->offset};
        }
        pieces[i].offset = written + (run->end - run->from) + (continues ? sep.size() : 0);
        pieces[i].size = from->size;
        run->last = i;
        run->end = from->offset + from->size;
        continue;
      }
      finish_run();
      emit(sep);
      pieces[i].offset = written;
      pieces[i].size = printed[k].bytes.size();
      emit(printed[k].bytes);
    }
  }
  finish_run();
  std::string rest;
  append_indented(rest, dump(causes), 2);
  emit(site.incidents.empty() ? "],\n  \"causes\": " : "\n  ],\n  \"causes\": ");
  emit(std::string_view(rest).substr(2));  // the first line follows the key
  emit("\n}\n");
  return pieces;
}

}  // namespace pmkb::exporter
