#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <atomic>

#include "export/json_export.h"
#include "support/fixtures.h"

using namespace pmkb;

namespace {

struct Exported {
  std::string bytes;
  std::vector<exporter::Piece> pieces;
};

Exported export_of(const model::Site& site, const exporter::EarlierExport& earlier = {}) {
  Exported out;
  out.pieces = exporter::export_json(site, 2, [&](std::string_view piece) { out.bytes += piece; }, earlier);
  return out;
}

const std::vector<std::pair<std::string, std::string>> kLibrary = {
    {"a.md", "# Disk full\n\n**Date:** 2025-01-02\n\n## Root cause\n\nThe disk was full.\n"},
    {"b.md", "# Certificate expired\n\n**Date:** 2024-02-01\n\n## Root cause\n\nThe TLS certificate expired.\n"},
    {"c.md", "# DNS outage\n\n**Date:** 2023-05-05\n\n## Root cause\n\nA DNS record was deleted.\n"}};

}  // namespace

TEST_CASE("export: each incident's piece is where the export says, and pieces of an earlier export are reused", "[export]") {
  const Exported first = export_of(test::site_of(kLibrary));
  REQUIRE(first.pieces.size() == 3);
  const auto json = nlohmann::json::parse(first.bytes);
  for (std::size_t i = 0; i < 3; ++i) {
    // A piece is one incident's object, as the whole document holds it.
    const auto piece = nlohmann::json::parse(first.bytes.substr(first.pieces[i].offset, first.pieces[i].size));
    CHECK(piece == json["incidents"][i]);
  }

  // One incident edited: the others' pieces are read from the earlier export, the edited one
  // is printed; the bytes are those of a fresh export.
  auto edited = kLibrary;
  edited[1].second += "\n## Timeline\n\n- 10:00 UTC alert fired\n";
  const model::Site site = test::site_of(edited);
  std::atomic<int> reads{0};  // read from the export's threads
  exporter::EarlierExport earlier{first.pieces, [&](std::size_t offset, std::size_t size) -> std::optional<std::string> {
                                    ++reads;
                                    if (offset + size > first.bytes.size()) return std::nullopt;
                                    return first.bytes.substr(offset, size);
                                  }};
  const Exported again = export_of(site, earlier);
  CHECK(reads == 2);
  CHECK(again.bytes == export_of(site).bytes);
  CHECK(again.bytes.find("alert fired") != std::string::npos);

  // A piece that cannot be read is printed instead.
  exporter::EarlierExport unreadable{first.pieces, [](std::size_t, std::size_t) { return std::optional<std::string>(); }};
  CHECK(export_of(site, unreadable).bytes == again.bytes);
}
