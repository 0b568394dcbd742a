#include "cache/extraction_cache.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>

#include "text/digest.h"

namespace pmkb::cache {

namespace {

// Version 2. A new model field means a new version: a file of another version is ignored.
constexpr std::string_view kMagic = "pmkb-extraction-cache 2\n";

// Little-endian fixed and variable-length integers, and length-prefixed strings.
class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}
  void u64(std::uint64_t v) {
    for (int i = 0; i < 8; ++i) out_ += static_cast<char>(v >> (8 * i) & 0xFF);
  }
  void varint(std::uint64_t v) {
    while (v >= 0x80) {
      out_ += static_cast<char>((v & 0x7F) | 0x80);
      v >>= 7;
    }
    out_ += static_cast<char>(v);
  }
  void integer(std::int64_t v) { varint(static_cast<std::uint64_t>(v) << 1 ^ static_cast<std::uint64_t>(v >> 63)); }
  void flag(bool v) { out_ += v ? '\1' : '\0'; }
  void str(std::string_view s) {
    varint(s.size());
    out_.append(s);
  }
  void real(double v) {
    std::uint64_t bits = 0;
    static_assert(sizeof bits == sizeof v);
    std::memcpy(&bits, &v, sizeof v);
    u64(bits);
  }
  template <class T>
  void optional_int(const std::optional<T>& v) {
    flag(v.has_value());
    if (v) integer(static_cast<std::int64_t>(*v));
  }

 private:
  std::string& out_;
};

// Reads what Writer wrote; any read past the end, or a value out of range, marks it failed
// and returns zeros from then on.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  void fail() { ok_ = false; }
  bool at_end() const { return pos_ == in_.size(); }
  std::uint64_t u64() {
    if (!need(8)) return 0;
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= std::uint64_t{static_cast<unsigned char>(in_[pos_ + i])} << (8 * i);
    pos_ += 8;
    return v;
  }
  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (!need(1)) return 0;
      const auto byte = static_cast<unsigned char>(in_[pos_++]);
      v |= std::uint64_t{byte & 0x7Fu} << shift;
      if (!(byte & 0x80)) return v;
    }
    ok_ = false;
    return 0;
  }
  std::int64_t integer() {
    const std::uint64_t v = varint();
    return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
  }
  int small_int() {
    const std::int64_t v = integer();
    if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max()) ok_ = false;
    return ok_ ? static_cast<int>(v) : 0;
  }
  bool flag() {
    if (!need(1)) return false;
    const char c = in_[pos_++];
    if (c != '\0' && c != '\1') ok_ = false;
    return c == '\1';
  }
  std::string_view view(std::size_t size) {
    if (!need(size)) return {};
    const std::string_view v = in_.substr(pos_, size);
    pos_ += size;
    return v;
  }
  std::string str() { return std::string(view(count())); }
  std::string_view rest() { return view(in_.size() - pos_); }
  double real() {
    const std::uint64_t bits = u64();
    double v = 0;
    std::memcpy(&v, &bits, sizeof v);
    return v;
  }
  // A count of items still to read, each at least `min_bytes` long, or of bytes: never more
  // than the bytes left allow, so that damaged bytes cannot make a large allocation.
  std::size_t count(std::size_t min_bytes = 1) {
    const std::uint64_t n = varint();
    if (n > (in_.size() - pos_) / min_bytes) ok_ = false;
    return ok_ ? static_cast<std::size_t>(n) : 0;
  }
  // An enum's value, which must be at most `last`.
  template <class E>
  E enumeration(E last) {
    const std::uint64_t v = varint();
    if (v > static_cast<std::uint64_t>(last)) ok_ = false;
    return ok_ ? static_cast<E>(v) : E{};
  }
  std::optional<int> optional_int() {
    if (!flag()) return std::nullopt;
    return small_int();
  }

 private:
  bool need(std::size_t n) {
    if (!ok_ || n > in_.size() - pos_) ok_ = false;
    return ok_;
  }
  std::string_view in_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

void put(Writer& w, const model::CivilDate& d) {
  w.integer(d.year);
  w.integer(d.month);
  w.integer(d.day);
}
model::CivilDate get_date(Reader& r) {
  model::CivilDate d;
  d.year = r.small_int();
  d.month = r.small_int();
  d.day = r.small_int();
  return d;
}
void put(Writer& w, const model::TimePoint& t) {
  put(w, t.date);
  w.optional_int(t.minute_of_day);
  w.optional_int(t.utc_offset_minutes);
}
model::TimePoint get_time(Reader& r) {
  model::TimePoint t;
  t.date = get_date(r);
  t.minute_of_day = r.optional_int();
  t.utc_offset_minutes = r.optional_int();
  return t;
}
template <class T, class Put>
void put_optional(Writer& w, const std::optional<T>& v, Put&& put_value) {
  w.flag(v.has_value());
  if (v) put_value(*v);
}
void put_strings(Writer& w, const std::vector<std::string>& v) {
  w.varint(v.size());
  for (const auto& s : v) w.str(s);
}
std::vector<std::string> get_strings(Reader& r) {
  std::vector<std::string> v(r.count());
  for (auto& s : v) s = r.str();
  return v;
}

void put_incident(Writer& w, const model::Incident& in) {
  for (const std::string* s : {&in.id, &in.slug, &in.source}) w.str(*s);
  w.u64(in.source_digest);
  w.str(in.title);
  put_optional(w, in.date, [&](const auto& d) { put(w, d); });
  put_optional(w, in.start, [&](const auto& t) { put(w, t); });
  put_optional(w, in.end, [&](const auto& t) { put(w, t); });
  w.optional_int(in.duration_minutes);
  w.optional_int(in.severity);
  for (const std::string* s : {&in.severity_label, &in.status}) w.str(*s);
  for (const auto* v : {&in.services, &in.tags, &in.authors}) put_strings(w, *v);
  for (const std::string* s : {&in.summary, &in.impact, &in.detection, &in.root_cause, &in.contributing_factors, &in.trigger,
                               &in.resolution, &in.lessons}) {
    w.str(*s);
  }
  w.varint(in.timeline.size());
  for (const auto& e : in.timeline) {
    put_optional(w, e.time, [&](const auto& t) { put(w, t); });
    w.str(e.time_text);
    w.str(e.text);
    w.integer(e.line);
    w.varint(static_cast<std::uint64_t>(e.kind));
  }
  w.varint(in.action_items.size());
  for (const auto& a : in.action_items) {
    w.str(a.text);
    w.str(a.owner);
    w.varint(static_cast<std::uint64_t>(a.status));
    w.str(a.priority);
    w.str(a.due);
    w.integer(a.line);
  }
  w.varint(in.declared_causes.size());
  for (const auto& d : in.declared_causes) {
    w.str(d.id);
    w.integer(d.line);
  }
  w.flag(in.declared_causes_replace);
  w.str(in.language);
  for (const model::CompressedText* t : {&in.body_html, &in.body_text}) {
    w.varint(t->size());
    w.str(t->deflated());
  }
  w.varint(in.postmortem_links.size());
  for (const auto& link : in.postmortem_links) {
    w.varint(link.begin);
    w.varint(link.end);
    w.str(link.href);
    w.str(link.target);
  }
  w.varint(in.provenance.size());
  for (const auto& [field, origin] : in.provenance) {
    w.varint(static_cast<std::uint64_t>(field));
    w.varint(static_cast<std::uint64_t>(origin.kind));
    w.str(origin.detail);
    w.integer(origin.line);
  }
}

model::Incident get_incident(Reader& r) {
  model::Incident in;
  for (std::string* s : {&in.id, &in.slug, &in.source}) *s = r.str();
  in.source_digest = r.u64();
  in.title = r.str();
  if (r.flag()) in.date = get_date(r);
  if (r.flag()) in.start = get_time(r);
  if (r.flag()) in.end = get_time(r);
  in.duration_minutes = r.optional_int();
  if (r.flag()) {
    const int severity = r.small_int();
    if (severity < static_cast<int>(model::Severity::Sev1) || severity > static_cast<int>(model::Severity::Sev4)) r.fail();
    else in.severity = static_cast<model::Severity>(severity);
  }
  for (std::string* s : {&in.severity_label, &in.status}) *s = r.str();
  for (auto* v : {&in.services, &in.tags, &in.authors}) *v = get_strings(r);
  for (std::string* s : {&in.summary, &in.impact, &in.detection, &in.root_cause, &in.contributing_factors, &in.trigger,
                         &in.resolution, &in.lessons}) {
    *s = r.str();
  }
  in.timeline.resize(r.count(5));  // the fewest bytes an entry takes
  for (auto& e : in.timeline) {
    if (r.flag()) e.time = get_time(r);
    e.time_text = r.str();
    e.text = r.str();
    e.line = r.small_int();
    e.kind = r.enumeration(model::TimelineKind::Resolve);
  }
  in.action_items.resize(r.count(6));
  for (auto& a : in.action_items) {
    a.text = r.str();
    a.owner = r.str();
    a.status = r.enumeration(model::ActionStatus::Unknown);
    a.priority = r.str();
    a.due = r.str();
    a.line = r.small_int();
  }
  in.declared_causes.resize(r.count(2));
  for (auto& d : in.declared_causes) {
    d.id = r.str();
    d.line = r.small_int();
  }
  in.declared_causes_replace = r.flag();
  in.language = r.str();
  for (model::CompressedText* t : {&in.body_html, &in.body_text}) {
    const std::uint64_t size = r.varint();
    std::string deflated = r.str();
    *t = model::CompressedText::from_deflated(std::move(deflated), static_cast<std::size_t>(size));
  }
  in.postmortem_links.resize(r.count(4));  // two offsets and two strings: a byte each at least
  for (auto& link : in.postmortem_links) {
    link.begin = static_cast<std::size_t>(r.varint());
    link.end = static_cast<std::size_t>(r.varint());
    link.href = r.str();
    link.target = r.str();
  }
  const std::size_t origins = r.count(4);
  for (std::size_t i = 0; i < origins && r.ok(); ++i) {
    const auto field = r.enumeration(model::Field::Causes);
    model::Origin origin;
    origin.kind = r.enumeration(model::OriginKind::FileName);
    origin.detail = r.str();
    origin.line = r.small_int();
    in.provenance[field] = std::move(origin);
  }
  return in;
}

}  // namespace

std::string encode(const Extraction& extraction) {
  std::string out;
  Writer w(out);
  w.flag(extraction.incident.has_value());
  if (extraction.incident) put_incident(w, *extraction.incident);
  w.varint(extraction.causes.size());
  for (const auto& c : extraction.causes) {
    w.str(c.id);
    w.str(c.title);
    w.str(c.evidence);
    w.integer(c.line);
    w.varint(static_cast<std::uint64_t>(c.source));
    w.real(c.score);
  }
  w.varint(extraction.diagnostics.size());
  for (const auto& d : extraction.diagnostics) {
    w.varint(static_cast<std::uint64_t>(d.level));
    w.str(d.where.path);
    w.integer(d.where.line);
    w.integer(d.where.column);
    w.str(d.message);
    w.str(d.rule);
  }
  return out;
}

std::optional<Extraction> decode(std::string_view bytes) {
  Reader r(bytes);
  Extraction out;
  if (r.flag()) out.incident = get_incident(r);
  out.causes.resize(r.count(13));  // three strings, line, source: a byte each; the score: eight
  for (auto& c : out.causes) {
    c.id = r.str();
    c.title = r.str();
    c.evidence = r.str();
    c.line = r.small_int();
    c.source = r.enumeration(model::CauseSource::Inferred);
    c.score = r.real();
  }
  out.diagnostics.resize(r.count(6));
  for (auto& d : out.diagnostics) {
    d.level = r.enumeration(diag::Level::Error);
    d.where.path = r.str();
    d.where.line = r.small_int();
    d.where.column = r.small_int();
    d.message = r.str();
    d.rule = r.str();
  }
  if (!r.ok() || !r.at_end()) return std::nullopt;
  return out;
}

std::string pack(const Extraction& extraction) {
  const model::CompressedText deflated(encode(extraction));
  std::string out;
  Writer(out).varint(deflated.size());
  out += deflated.deflated();
  return out;
}

std::optional<Extraction> unpack(std::string_view packed) {
  Reader r(packed);
  const std::uint64_t size = r.varint();
  if (!r.ok() || size > std::numeric_limits<std::size_t>::max()) return std::nullopt;
  const std::string_view deflated = r.rest();
  const std::optional<std::string> encoded = model::CompressedText::inflate(deflated, static_cast<std::size_t>(size));
  if (!encoded) return std::nullopt;
  return decode(*encoded);
}

ExtractionCache ExtractionCache::read(const std::filesystem::path& file, std::uint64_t environment) {
  // Mapped, not read: a library's cache is tens of MB, and copying it into a new string cost a
  // fifth of a second at 10k (zeroed pages, then the copy).
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  struct stat st {};
  void* mapped = MAP_FAILED;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    mapped = ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
  }
  ::close(fd);
  if (mapped == MAP_FAILED) return {};
  const auto size = static_cast<std::size_t>(st.st_size);
  std::shared_ptr<const void> storage(mapped, [size](const void* p) { ::munmap(const_cast<void*>(p), size); });
  return index(std::string_view(static_cast<const char*>(mapped), size), std::move(storage), environment);
}

std::vector<std::uint64_t> ExtractionCache::keys() const {
  std::vector<std::uint64_t> out;
  out.reserve(entries_.size());
  for (const auto& entry : entries_) out.push_back(entry.first);
  std::sort(out.begin(), out.end());
  return out;
}

ExtractionCache ExtractionCache::parse(std::string bytes, std::uint64_t environment) {
  auto owned = std::make_shared<const std::string>(std::move(bytes));
  const std::string_view view(*owned);
  return index(view, std::move(owned), environment);
}

ExtractionCache ExtractionCache::index(std::string_view bytes, std::shared_ptr<const void> storage, std::uint64_t environment) {
  ExtractionCache cache;
  Reader r(bytes);
  if (r.view(kMagic.size()) != kMagic || r.u64() != environment) return cache;
  std::unordered_map<std::uint64_t, std::pair<std::size_t, std::size_t>> entries;
  while (r.ok() && !r.at_end()) {
    const std::uint64_t key = r.u64();
    const std::uint64_t checksum = r.u64();
    const std::string_view entry = r.view(r.count());
    if (!r.ok()) break;  // a truncated file keeps the entries before the damage
    if (text::Digest().add(entry).value() != checksum) continue;
    entries[key] = {static_cast<std::size_t>(entry.data() - bytes.data()), entry.size()};
  }
  cache.storage_ = std::move(storage);
  cache.bytes_ = bytes;
  cache.entries_ = std::move(entries);
  return cache;
}

std::optional<std::string_view> ExtractionCache::find(std::uint64_t key) const {
  const auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  return bytes_.substr(it->second.first, it->second.second);
}

std::string file_header(std::uint64_t environment) {
  std::string out(kMagic);
  Writer(out).u64(environment);
  return out;
}

std::string file_record(std::uint64_t key, std::string_view packed) {
  std::string out;
  Writer w(out);
  w.u64(key);
  w.u64(text::Digest().add(packed).value());
  w.varint(packed.size());
  out += packed;
  return out;
}

}  // namespace pmkb::cache
