/* pmkb search page: results as you type, facet filters with counts, prefix matching of the last
 * word. Reads the static index next to this page; needs no server beyond static files. */
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  var input = document.getElementById("q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var facetBox = document.getElementById("search-facets");
  if (!form || !input || !window.PmkbSearch) return;

  var root = form.getAttribute("data-root") || "../";
  var engine = PmkbSearch.createSearch(function (path) {
    return fetch(path).then(function (r) {
      if (!r.ok) throw new Error(path + ": " + r.status);
      return r.json();
    });
  });
  var selected = {};
  var pending = 0;
  var timer = null;
  var LABELS = { severity: "Severity", service: "Service", cause: "Cause", year: "Year",
                 root_cause: "root cause", summary: "summary", resolution: "resolution", timeline: "timeline",
                 action_items: "action items", body: "text" };

  function readUrl() {
    var params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    ["severity", "service", "cause", "year"].forEach(function (f) {
      var values = params.getAll(f);
      if (values.length) selected[f] = values;
    });
  }

  function writeUrl() {
    var params = new URLSearchParams();
    if (input.value) params.set("q", input.value);
    Object.keys(selected).forEach(function (f) { selected[f].forEach(function (v) { params.append(f, v); }); });
    var query = params.toString();
    history.replaceState(null, "", query ? "?" + query : location.pathname);
  }

  function renderFacets(facets) {
    facetBox.textContent = "";
    Object.keys(facets).sort().forEach(function (facet) {
      var values = Object.keys(facets[facet]);
      var chosen = selected[facet] || [];
      chosen.forEach(function (v) { if (values.indexOf(v) === -1) values.push(v); });
      if (!values.length) return;
      var fieldset = document.createElement("fieldset");
      var legend = document.createElement("legend");
      legend.textContent = LABELS[facet] || facet;
      fieldset.appendChild(legend);
      values.sort(function (a, b) { return (facets[facet][b] || 0) - (facets[facet][a] || 0) || (a < b ? -1 : 1); });
      values.slice(0, 12).forEach(function (value) {
        var label = document.createElement("label");
        var box = document.createElement("input");
        box.type = "checkbox";
        box.checked = chosen.indexOf(value) !== -1;
        box.addEventListener("change", function () {
          var current = selected[facet] || [];
          selected[facet] = box.checked ? current.concat([value]) : current.filter(function (v) { return v !== value; });
          if (!selected[facet].length) delete selected[facet];
          run();
        });
        label.appendChild(box);
        label.appendChild(document.createTextNode(" " + value + " (" + (facets[facet][value] || 0) + ")"));
        fieldset.appendChild(label);
      });
      facetBox.appendChild(fieldset);
    });
  }

  function renderResults(found, records, ticket) {
    if (ticket !== pending) return;
    list.textContent = "";
    status.textContent = found.total === 0 ? "No incidents match." :
      found.total + (found.total === 1 ? " incident matches." : " incidents match.");
    records.forEach(function (record) {
      if (!record || !record.url) return;
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = root + record.url + "index.html";
      link.textContent = record.title;
      var heading = document.createElement("h3");
      heading.appendChild(link);
      item.appendChild(heading);
      var meta = document.createElement("p");
      meta.className = "muted";
      meta.textContent = [record.date || "undated", record.severity || "severity unknown"]
        .concat((record.causes || []).length ? ["causes: " + record.causes.join(", ")] : []).join(" · ");
      item.appendChild(meta);
      var piece = PmkbSearch.snippet(record, found.words);
      var text = document.createElement("p");
      text.className = "snippet";
      text.innerHTML = piece.html;  // escaped by snippet(); only <mark> is markup
      var where = document.createElement("span");
      where.className = "section-label";
      where.textContent = LABELS[piece.section] || piece.section;
      text.insertBefore(where, text.firstChild);
      item.appendChild(text);
      list.appendChild(item);
    });
  }

  function run() {
    var ticket = ++pending;
    writeUrl();
    var query = input.value;
    if (!query.trim() && !Object.keys(selected).length) {
      list.textContent = "";
      status.textContent = "Type to search every postmortem.";
      facetBox.textContent = "";
      return;
    }
    var prefix = !/\s$/.test(query);
    engine.search(query, { filters: selected, limit: 20, prefix: prefix }).then(function (found) {
      if (ticket !== pending) return;
      renderFacets(found.facets);
      return Promise.all(found.results.map(function (hit) { return engine.fragment(hit.doc).catch(function () { return null; }); }))
        .then(function (records) { renderResults(found, records, ticket); });
    }).catch(function () {
      status.textContent = location.protocol === "file:" ?
        "Search reads its index over HTTP: serve the site (pmkb serve, or python3 -m http.server) to search it." :
        "The search index could not be loaded.";
    });
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(run, 120);
  });
  readUrl();
  run();
})();
