/* pmkb static search engine: reads the sharded index under search/ (see search/static_index.h).
 * No framework, no build step. Works in browsers and in Node (for benchmarks):
 *   const engine = PmkbSearch.createSearch(path => fetch(path).then(r => r.json()));
 *   const found = await engine.search("redis aof", { filters: { severity: ["sev1"] } });
 * Scores are the BM25 weights Xapian computes, so the ranking follows `pmkb search`. */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else root.PmkbSearch = factory();
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var MAX_PREFIX = 4;
  var MAX_EXPANSIONS = 30;
  var SECTION_ORDER = ["root_cause", "summary", "resolution", "timeline", "action_items", "body"];
  var encoder = typeof TextEncoder !== "undefined" ? new TextEncoder() : null;

  function utf8(text) {
    if (encoder) return encoder.encode(text);
    return Uint8Array.from(Buffer.from(text, "utf8"));
  }

  /* The shard file name for the first `length` bytes of a word (search/static_index.cpp). */
  function prefixName(word, length) {
    var bytes = utf8(word);
    var end = Math.min(length, bytes.length);
    while (end < bytes.length && (bytes[end] & 0xc0) === 0x80) end++;
    var name = "";
    for (var i = 0; i < end; i++) {
      var c = bytes[i];
      var isAlnum = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
      name += isAlnum ? String.fromCharCode(c) : "_" + (c < 16 ? "0" : "") + c.toString(16);
    }
    return name;
  }

  function isCjk(ch) {
    var c = ch.codePointAt(0);
    return (c >= 0x3040 && c <= 0x30ff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff) ||
      (c >= 0xac00 && c <= 0xd7af) || (c >= 0xff66 && c <= 0xff9f);
  }

  /* Words as Xapian's term generator makes them: lower case letters and digits; CJK text as
   * single characters and pairs (its n-gram mode). */
  function tokenize(text) {
    var words = [];
    var runs = String(text).toLowerCase().match(/[\p{L}\p{N}_]+/gu) || [];
    runs.forEach(function (run) {
      var chars = Array.from(run);
      var latin = "";
      for (var i = 0; i < chars.length; i++) {
        if (isCjk(chars[i])) {
          if (latin) { words.push(latin); latin = ""; }
          words.push(chars[i]);
          if (i + 1 < chars.length && isCjk(chars[i + 1])) words.push(chars[i] + chars[i + 1]);
        } else {
          latin += chars[i];
        }
      }
      if (latin) words.push(latin);
    });
    return words;
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function createSearch(loadJson) {
    var meta = null;
    var shardNames = null;
    var shards = new Map();
    var filters = new Map();

    function init() {
      if (meta) return Promise.resolve(meta);
      return loadJson("meta.json").then(function (m) {
        meta = m;
        shardNames = new Set(m.shards);
        return m;
      });
    }

    function shardFor(word) {
      for (var k = MAX_PREFIX; k >= 1; k--) {
        var name = prefixName(word, k);
        if (shardNames.has(name)) return name;
      }
      return null;
    }

    function loadShard(name) {
      if (!shards.has(name)) shards.set(name, loadJson("terms/" + name + ".json"));
      return shards.get(name);
    }

    function loadFilter(facet) {
      if (!filters.has(facet)) filters.set(facet, loadJson("filters/" + facet + ".json"));
      return filters.get(facet);
    }

    /* Term -> postings for a word; with `prefix`, every word that starts with it too. */
    function lookup(word, prefix) {
      var name = shardFor(word);
      if (!name) return Promise.resolve([]);
      return loadShard(name).then(function (shard) {
        var terms = new Set();
        if (shard.w[word]) terms.add(shard.w[word]);
        if (prefix && word.length >= 3) {
          var added = 0;
          for (var w in shard.w) {
            if (w.length > word.length && w.lastIndexOf(word, 0) === 0 && added < MAX_EXPANSIONS) {
              terms.add(shard.w[w]);
              added++;
            }
          }
        }
        return Array.from(terms).map(function (t) { return { term: t, postings: shard.p[t] || [] }; });
      });
    }

    function applyFilters(docs, selected) {
      var facets = Object.keys(selected || {}).filter(function (f) { return selected[f] && selected[f].length; });
      return Promise.all(facets.map(loadFilter)).then(function (tables) {
        var allowed = tables.map(function (table, i) {
          var set = new Set();
          selected[facets[i]].forEach(function (value) {
            (table[String(value).toLowerCase()] || []).forEach(function (d) { set.add(d); });
          });
          return { facet: facets[i], set: set };
        });
        return { keep: function (doc, except) {
          return allowed.every(function (a) { return a.facet === except || a.set.has(doc); });
        } };
      });
    }

    function facetCounts(candidates, keeper) {
      var names = meta.facets || [];
      return Promise.all(names.map(loadFilter)).then(function (tables) {
        var counts = {};
        tables.forEach(function (table, i) {
          var facet = names[i];
          counts[facet] = {};
          Object.keys(table).forEach(function (value) {
            var n = 0;
            table[value].forEach(function (d) { if (candidates.has(d) && keeper.keep(d, facet)) n++; });
            if (n > 0) counts[facet][value] = n;
          });
        });
        return counts;
      });
    }

    /* options: { filters: {facet: [values]}, limit, offset, prefix (expand the last word), facets (count them) } */
    function search(query, options) {
      options = options || {};
      var limit = options.limit || 10;
      var offset = options.offset || 0;
      return init().then(function () {
        var words = tokenize(query);
        var unique = Array.from(new Set(words));
        var synonyms = meta.synonyms || {};
        return Promise.all(unique.map(function (w, i) {
          // A word also matches its synonyms from the cause taxonomy ("enospc" -> "inodes"), as in pmkb search.
          var alternatives = [lookup(w, options.prefix && i === unique.length - 1 && words[words.length - 1] === w)]
            .concat((synonyms[w] || []).map(function (s) { return lookup(s, false); }));
          return Promise.all(alternatives).then(function (lists) { return [].concat.apply([], lists); });
        })).then(function (perWord) {
          var scores = new Map();
          var wordsMatched = new Map();
          var seenTerms = new Set();
          perWord.forEach(function (entries) {
            var docsOfWord = new Set();
            entries.forEach(function (entry) {
              var doc = 0;
              for (var i = 0; i < entry.postings.length; i += 2) {
                doc += entry.postings[i];
                docsOfWord.add(doc);
                if (!seenTerms.has(entry.term)) scores.set(doc, (scores.get(doc) || 0) + entry.postings[i + 1]);
              }
              seenTerms.add(entry.term);
            });
            docsOfWord.forEach(function (d) { wordsMatched.set(d, (wordsMatched.get(d) || 0) + 1); });
          });
          // As pmkb search does: matching every word of the query counts (1 + boost) times.
          var boost = meta.coordination_boost || 0;
          if (perWord.length > 1 && boost) {
            scores.forEach(function (score, d) {
              if (wordsMatched.get(d) === perWord.length) scores.set(d, score * (1 + boost));
            });
          }
          if (unique.length === 0) {
            for (var d = 1; d <= meta.documents; d++) scores.set(d, 0);
          }
          return applyFilters(Array.from(scores.keys()), options.filters).then(function (keeper) {
            var candidates = new Set(scores.keys());
            var hits = [];
            scores.forEach(function (score, doc) { if (keeper.keep(doc)) hits.push({ doc: doc, score: score }); });
            hits.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
            var counting = options.facets === false ? Promise.resolve({}) : facetCounts(candidates, keeper);
            return counting.then(function (facets) {
              return { total: hits.length, results: hits.slice(offset, offset + limit), facets: facets, words: unique };
            });
          });
        });
      });
    }

    function fragment(doc) { return loadJson("docs/" + doc + ".json"); }

    return { init: init, search: search, fragment: fragment };
  }

  /* The section that best matches the words, with matches marked: { section, html }. */
  function snippet(record, words, length) {
    length = length || 240;
    var stems = words.map(function (w) { return w.length > 4 ? w.slice(0, w.length - 2) : w; });
    function matches(text) {
      var lower = text.toLowerCase();
      return stems.filter(function (s) { return lower.indexOf(s) !== -1; }).length;
    }
    var sections = record.sections || {};
    var best = null;
    var bestCount = 0;
    SECTION_ORDER.forEach(function (name) {
      var text = sections[name];
      if (!text) return;
      var count = matches(text);
      if (count > bestCount && !(name === "body" && best)) { best = name; bestCount = count; }
    });
    if (!best) best = sections.summary ? "summary" : "body";
    var text = (sections[best] || "").replace(/\s+/g, " ");
    var lower = text.toLowerCase();
    var first = text.length;
    stems.forEach(function (s) { var at = lower.indexOf(s); if (at !== -1 && at < first) first = at; });
    var start = first === text.length ? 0 : Math.max(0, first - 60);
    var piece = text.slice(start, start + length);
    var html = escapeHtml(piece);
    stems.filter(function (s) { return s.length > 1; }).forEach(function (s) {
      // Only at the start of a word: "red" (from "redis") must not mark "triggered".
      var pattern = new RegExp("(?<![\\p{L}\\p{N}])(" + escapeHtml(s).replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + "[\\p{L}\\p{N}]*)", "giu");
      html = html.replace(pattern, "<mark>$1</mark>");
    });
    return { section: best, html: (start > 0 ? "…" : "") + html + (start + length < text.length ? "…" : "") };
  }

  return { createSearch: createSearch, tokenize: tokenize, snippet: snippet, escapeHtml: escapeHtml, prefixName: prefixName };
});
