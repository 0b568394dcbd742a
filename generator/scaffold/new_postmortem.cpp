#include "scaffold/new_postmortem.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "config/settings_loader.h"
#include "text/text.h"

namespace pmkb::scaffold {

namespace {

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (std::size_t pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size())) {
    text.replace(pos, from.size(), to);
  }
  return text;
}

// A YAML double-quoted string body: backslashes and quotes escaped.
std::string yaml_quoted_body(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

std::string new_postmortem(std::string_view title, const model::CivilDate& today) {
  const std::string date = model::to_iso(today);
  const std::string clean_title = text::collapse_whitespace(title);
  std::string out(config::builtin_data("template.md"));
  out = replace_all(out, "{{id}}", date + "-" + text::slugify(clean_title));
  out = replace_all(out, "\"{{title}}\"", "\"" + yaml_quoted_body(clean_title) + "\"");
  out = replace_all(out, "{{title}}", clean_title);
  return replace_all(out, "{{date}}", date);
}

std::filesystem::path write_new_postmortem(const std::filesystem::path& content_dir, std::string_view title,
                                           const model::CivilDate& today) {
  if (text::trim(title).empty()) throw std::invalid_argument("give the postmortem a title, e.g. pmkb new \"Checkout API outage\"");
  std::error_code ec;
  std::filesystem::create_directories(content_dir, ec);
  const auto path = content_dir / (model::to_iso(today) + "-" + text::slugify(text::collapse_whitespace(title)) + ".md");
  // O_EXCL: never overwrite an existing postmortem, even one created a moment ago.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    throw std::runtime_error(errno == EEXIST ? path.string() + " already exists; choose another title or edit that file"
                                             : "cannot create " + path.string() + ": " + std::strerror(errno));
  }
  const std::string bytes = new_postmortem(title, today);
  const bool ok = ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
  ::close(fd);
  if (!ok) throw std::runtime_error("cannot write " + path.string());
  return path;
}

}  // namespace pmkb::scaffold
