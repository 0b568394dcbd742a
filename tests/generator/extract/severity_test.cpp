#include <catch2/catch.hpp>

#include "extract/severity.h"

using pmkb::extract::normalize_severity;
using pmkb::model::Severity;

TEST_CASE("severity: the default mapping of PRODUCT.md", "[extract]") {
  const std::map<std::string, Severity> none;
  CHECK(normalize_severity("SEV-1", none) == Severity::Sev1);
  CHECK(normalize_severity("sev0", none) == Severity::Sev1);
  CHECK(normalize_severity("P2", none) == Severity::Sev2);
  CHECK(normalize_severity("Critical", none) == Severity::Sev1);
  CHECK(normalize_severity("major outage", none) == Severity::Sev1);
  CHECK(normalize_severity("Major", none) == Severity::Sev2);
  CHECK(normalize_severity("partial outage", none) == Severity::Sev2);
  CHECK(normalize_severity("disrupted", none) == Severity::Sev2);
  CHECK(normalize_severity("down", none) == Severity::Sev1);
  CHECK(normalize_severity("notice", none) == Severity::Sev3);
  CHECK(normalize_severity("degraded performance", none) == Severity::Sev3);
  CHECK(normalize_severity("Low", none) == Severity::Sev4);
  CHECK_FALSE(normalize_severity("bad", none));
  CHECK_FALSE(normalize_severity("", none));
}

TEST_CASE("severity: the configured mapping comes first", "[extract]") {
  const std::map<std::string, Severity> custom{{"major", Severity::Sev1}, {"code red", Severity::Sev1}};
  CHECK(normalize_severity("Major", custom) == Severity::Sev1);
  CHECK(normalize_severity("CODE RED", custom) == Severity::Sev1);
}
