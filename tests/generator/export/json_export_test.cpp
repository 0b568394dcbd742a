#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>


#include "export/json_export.h"
#include "support/fixtures.h"

using namespace pmkb;

namespace {

struct Exported {
  std::string bytes;
  std::vector<exporter::Piece> pieces;
};

// The export of `site`; with `earlier_bytes`, ranges are copied from them, each copy counted
// in `copies` (a copy of a range outside them fails, as the output's does).
Exported export_of(const model::Site& site, const exporter::EarlierExport& earlier = {}, const std::string* earlier_bytes = nullptr,
                   std::vector<std::size_t>* copies = nullptr) {
  Exported out;
  exporter::ExportSink sink{[&](std::string_view piece) { out.bytes += piece; }, nullptr};
  if (earlier_bytes) {
    sink.copy_earlier = [&](std::size_t offset, std::size_t size) {
      if (offset > earlier_bytes->size() || size > earlier_bytes->size() - offset) return false;
      if (copies) copies->push_back(size);
      out.bytes += earlier_bytes->substr(offset, size);
      return true;
    };
  }
  out.pieces = exporter::export_json(site, 2, sink, earlier);
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

  // One incident edited: the others' pieces are copied from the earlier export, the edited one
  // is printed; the bytes are those of a fresh export.
  auto edited = kLibrary;
  edited[1].second += "\n## Timeline\n\n- 10:00 UTC alert fired\n";
  const model::Site site = test::site_of(edited);
  std::vector<std::size_t> copies;
  const Exported again = export_of(site, {first.pieces}, &first.bytes, &copies);
  CHECK(copies == std::vector<std::size_t>{first.pieces[0].size, first.pieces[2].size});  // the first and last
  CHECK(again.bytes == export_of(site).bytes);
  CHECK(again.bytes.find("alert fired") != std::string::npos);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(nlohmann::json::parse(again.bytes.substr(again.pieces[i].offset, again.pieces[i].size)) ==
          nlohmann::json::parse(again.bytes)["incidents"][i]);
  }

  // Pieces that cannot be copied are printed instead.
  const std::string nothing;
  CHECK(export_of(site, {first.pieces}, &nothing).bytes == again.bytes);
  CHECK(export_of(site, {first.pieces}, &nothing).pieces[2].offset == again.pieces[2].offset);
}

TEST_CASE("export: unchanged neighbours are copied as one range, separators and all", "[export]") {
  std::vector<std::pair<std::string, std::string>> library;
  for (int i = 0; i < 6; ++i) {
    library.push_back({"p" + std::to_string(i) + ".md", "# Incident " + std::to_string(i) + "\n\n**Date:** 2024-0" +
                                                           std::to_string(i + 1) + "-01\n\n## Root cause\n\nThe disk was full.\n"});
  }
  const Exported first = export_of(test::site_of(library));
  std::vector<std::size_t> copies;
  const Exported same = export_of(test::site_of(library), {first.pieces}, &first.bytes, &copies);
  CHECK(same.bytes == first.bytes);
  CHECK(copies.size() == 1);  // all six pieces and the five separators between them
  CHECK(copies[0] == first.pieces[5].offset + first.pieces[5].size - first.pieces[0].offset);
  CHECK(same.pieces.size() == first.pieces.size());
  for (std::size_t i = 0; i < same.pieces.size(); ++i) CHECK(same.pieces[i].offset == first.pieces[i].offset);

  // One in the middle edited (newest first: p3 is the third piece): two runs around it.
  auto edited = library;
  edited[3].second += "\n## Impact\n\nCheckout was down.\n";
  const model::Site site = test::site_of(edited);
  copies.clear();
  const Exported again = export_of(site, {first.pieces}, &first.bytes, &copies);
  CHECK(again.bytes == export_of(site).bytes);
  CHECK(copies.size() == 2);
}
