#include <catch2/catch.hpp>

#include <kainjow/mustache.hpp>

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

namespace {

// `text` rendered over `view` with the theme's partials in it, as the renderer does: those
// not inlined are parsed from there as the page renders.
std::string render_with_partials(const std::string& text, const std::map<std::string, std::string>& partials,
                                 kainjow::mustache::data view) {
  for (const auto& [name, body] : partials) {
    const std::string* text_of = &body;
    view.set(name, kainjow::mustache::partial([text_of] { return *text_of; }));
  }
  return kainjow::mustache::mustache(text).render(view);
}

}  // namespace

TEST_CASE("theme: inlined partials render as partials do", "[render]") {
  const std::map<std::string, std::string> partials = {
      {"head", "<title>{{title}}</title>\n  {{#items}}\n<nav>{{> item}}</nav>\n{{/items}}\n"},
      {"item", "<a>{{name}}</a>{{^name}}none{{/name}}"},
      {"loop", "[{{> loop}}]"},
      {"delims", "{{=<% %>=}}<b><% title %></b>"}};
  kainjow::mustache::data view;
  view.set("title", "Disk <full>");
  kainjow::mustache::data items = kainjow::mustache::data::type::list;
  for (const char* name : {"a", "", "c"}) {
    kainjow::mustache::data item;
    item.set("name", name);
    items.push_back(item);
  }
  view.set("items", items);
  for (const std::string text : {"{{> head}}\n<p>{{ > item }}</p>\n{{>missing}}end\n", "  {{>head}}  {{#title}}{{> item}}{{/title}}",
                                 "{{> delims}} {{> item}}"}) {
    const std::string inlined = render::inline_partials(text, partials);
    CHECK(inlined.find("{{> item}}") == std::string::npos);
    CHECK(render_with_partials(inlined, partials, view) == render_with_partials(text, partials, view));
  }
  CHECK(render::inline_partials("{{> head}}", partials).find("<title>") != std::string::npos);
  // A partial that sets delimiters stays a partial, as does a template that does.
  CHECK(render::inline_partials("{{> delims}}", partials) == "{{> delims}}");
  CHECK(render::inline_partials("{{=| |=}}|> head|", partials) == "{{=| |=}}|> head|");
  // A partial that includes itself is inlined 8 levels deep, then left to the renderer.
  const std::string loop = render::inline_partials("{{> loop}}", partials);
  CHECK(std::count(loop.begin(), loop.end(), '[') == 8);
  CHECK(loop.find("{{> loop}}") != std::string::npos);
}

TEST_CASE("theme: escape_html writes what kainjow's html_escape writes", "[render]") {
  for (const std::string text : {"", "plain", "&", "<a href=\"x\">it's</a> & more", "&&<<>>\"\"''", "tail &", "é & ü < 日本"}) {
    CHECK(render::escape_html(text) == kainjow::mustache::html_escape(text));
  }
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
