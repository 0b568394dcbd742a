#include <catch2/catch.hpp>

#include "build/build.h"
#include "render/theme.h"
#include "support/fixtures.h"

using namespace pmkb;

TEST_CASE("theme: a site overrides single templates and assets by file name", "[render]") {
  test::TempDir dir;
  dir.write("themes/default/templates/partials/foot.mustache", "<footer>Acme SRE</footer></main></body></html>\n");
  dir.write("themes/default/static/style.css", "body { color: black; }\n");
  diag::Diagnostics d;
  const auto theme = render::load_theme("default", dir.path() / "themes/default", d);
  CHECK(d.all().empty());
  CHECK(theme.partials.at("foot").find("Acme SRE") != std::string::npos);
  CHECK(theme.assets.at("static/style.css") == "body { color: black; }\n");
  CHECK(theme.templates.at("incident").find("metadata") == std::string::npos);  // untouched templates stay built in
  CHECK(theme.assets.count("static/search.js") == 1);
}

TEST_CASE("theme: a broken template is reported at template:line:col and the built-in one is used", "[render]") {
  test::TempDir dir;
  dir.write("themes/default/templates/index.mustache", "<h1>{{site_title}}</h1>\n<ul>\n{{#incidents}}<li>{{title}}</li>\n");
  diag::Diagnostics d;
  const auto theme = render::load_theme("default", dir.path() / "themes/default", d);
  REQUIRE(d.all().size() == 1);
  CHECK(d.all()[0].rule == "template-error");
  CHECK(d.all()[0].where.path.ends_with("templates/index.mustache"));
  CHECK(d.all()[0].where.line >= 1);
  CHECK(d.all()[0].where.column >= 1);
  CHECK(theme.templates.at("index").find("incident_table") != std::string::npos);  // the built-in one
}

TEST_CASE("theme: overrides beside the content folder are used by the build", "[render][integration]") {
  test::TempDir dir;
  dir.write("content/a.md", "# An incident\n\n**Date:** 2024-01-01\n");
  dir.write("themes/default/templates/partials/foot.mustache", "<footer>Acme SRE</footer></main></body></html>\n");
  build::BuildOptions options = test::site_build_options(dir);
  build::run_build(options);
  CHECK(dir.read("public/index.html").find("Acme SRE") != std::string::npos);
  CHECK(dir.read("public/incidents/a/index.html").find("Acme SRE") != std::string::npos);
}
