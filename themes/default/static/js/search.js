// Search over the static index that `digest build` writes to search/index/ (see
// generator/site/search.py; the ranking mirrors its reference `search()`).
// The query and filters live in the URL (?q=&tag=&year=&sort=), so a search can be
// shared, bookmarked and restored with the back button.
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  if (!form || !window.fetch) { return; }
  var input = document.getElementById("search-q");
  var tagSelect = document.getElementById("search-tag");
  var yearSelect = document.getElementById("search-year");
  var sortSelect = document.getElementById("search-sort");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var base = new URL(form.getAttribute("data-index"), document.baseURI);
  var root = new URL(form.getAttribute("data-root"), document.baseURI);
  var PAGE = 20;
  var files = new Map();
  var meta = null;
  var run = 0;
  var shown = [];
  var more = null;

  function load(path) {
    if (!files.has(path)) {
      files.set(path, fetch(new URL(path, base)).then(function (r) {
        if (!r.ok) { throw new Error("HTTP " + r.status + " for " + path); }
        return r.json();
      }).catch(function (error) { files.delete(path); throw error; }));
    }
    return files.get(path);
  }

  // --- terms: the same rules as generator/site/search_terms.py ---
  function fold(text) { return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase(); }
  function words(text) { return fold(text).match(/[\p{L}\p{N}]+/gu) || []; }
  function stem(term) {
    if (Array.from(term).length <= 3 || term.slice(-1) !== "s" || !/^\p{L}+$/u.test(term)) { return term; }
    if (/ies$/.test(term) && term.length > 4) { return term.slice(0, -3) + "y"; }
    if (/(sses|xes|ches|shes)$/.test(term)) { return term.slice(0, -2); }
    if (/(ss|us|is)$/.test(term)) { return term; }
    return term.slice(0, -1);
  }
  function shardKey(term) {
    var key = Array.from(term).slice(0, meta.key_chars).join("");
    if (/^[a-z0-9]+$/.test(key)) { return key; }
    return "u" + Array.from(key).map(function (c) { return c.codePointAt(0).toString(16); }).join("-");
  }
  function idf(df) { return Math.log(1 + (meta.docs - df + 0.5) / (df + 0.5)); }

  // --- ranking: doc number -> score, AND over the query words ---
  function scoresFor(word, expand) {
    var term = stem(word);
    var key = shardKey(term);
    if (meta.shards.indexOf(key) < 0) { return Promise.resolve(new Map()); }
    return load("terms/" + key + ".json").then(function (shard) {
      var scores = new Map();
      Object.keys(shard).forEach(function (t) {
        var factor = t === term ? 1 : (expand && t.indexOf(word) === 0 ? 0.5 : 0);
        if (!factor) { return; }
        var p = shard[t];
        var w = factor * idf(p.length / 2) / meta.scale;
        var doc = 0;
        for (var j = 0; j < p.length; j += 2) {
          doc += p[j];
          var s = w * p[j + 1];
          if (!(scores.get(doc) >= s)) { scores.set(doc, s); }
        }
      });
      return scores;
    });
  }

  function candidates(state) {
    var typed = words(state.q);
    var stop = new Set(meta.stop);
    var kept = typed.filter(function (w) { return !stop.has(w); });
    if (kept.length) { typed = kept; }
    return Promise.all(typed.map(function (word, i) {
      return scoresFor(word, i === typed.length - 1 && word.length >= 2);
    })).then(function (maps) {
      var combined = null;
      maps.forEach(function (scores) {
        if (combined === null) { combined = scores; return; }
        var next = new Map();
        combined.forEach(function (s, d) { if (scores.has(d)) { next.set(d, s + scores.get(d)); } });
        combined = next;
      });
      return combined;
    });
  }

  function filterSet(state) {
    if (!state.tag) { return Promise.resolve(null); }
    var row = meta.tags.filter(function (r) { return r[0] === state.tag; })[0];
    if (!row) { return Promise.resolve(new Set()); }
    return load("tags/" + row[1] + ".json").then(function (deltas) {
      var set = new Set();
      var n = 0;
      deltas.forEach(function (d) { n += d; set.add(n); });
      return set;
    });
  }

  function yearSpan(state) {
    var row = meta.years.filter(function (r) { return r[0] === state.year; })[0];
    return state.year ? (row ? [row[1], row[2]] : [1, 0]) : [0, meta.docs - 1];
  }

  function find(state) {
    return Promise.all([words(state.q).length ? candidates(state) : Promise.resolve(null), filterSet(state)])
      .then(function (found) {
        var scores = found[0];
        var tagged = found[1];
        var span = yearSpan(state);
        var docs = [];
        if (scores === null) {  // no query: every document the filters allow, newest first
          if (!state.tag && !state.year) { return []; }
          for (var d = span[1]; d >= span[0]; d--) { if (!tagged || tagged.has(d)) { docs.push([d, 0]); } }
          return docs;
        }
        scores.forEach(function (s, d) {
          if (d >= span[0] && d <= span[1] && (!tagged || tagged.has(d))) { docs.push([d, s]); }
        });
        docs.sort(state.sort === "date" ? function (a, b) { return b[0] - a[0]; }
          : function (a, b) { return b[1] - a[1] || b[0] - a[0]; });
        return docs;
      });
  }

  // --- state <-> URL and form ---
  function readURL() {
    var params = new URLSearchParams(location.search);
    return { q: params.get("q") || "", tag: params.get("tag") || "", year: params.get("year") || "",
             sort: params.get("sort") === "date" ? "date" : "" };
  }
  function readForm() {
    return { q: input.value, tag: tagSelect.value, year: yearSelect.value, sort: sortSelect.value };
  }
  function setForm(state) {
    input.value = state.q;
    tagSelect.value = state.tag;
    yearSelect.value = state.year;
    sortSelect.value = state.sort;
  }
  function writeURL(state) {
    var params = new URLSearchParams();
    ["q", "tag", "year", "sort"].forEach(function (k) { if (state[k]) { params.set(k, state[k]); } });
    var query = params.toString();
    var target = location.pathname + (query ? "?" + query : "") + location.hash;
    if (target !== location.pathname + location.search + location.hash) {
      history.replaceState(null, "", target);
    }
  }

  // --- results ---
  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }
  function item(row) {
    var li = element("li");
    var link = element("a", "", row[1]);
    link.setAttribute("href", new URL(row[0], root).pathname);
    li.appendChild(link);
    var details = [row[2], row[3]].filter(Boolean).join(" · ");
    if (details) { li.appendChild(element("span", "muted", details)); }
    if (row[4].length) {
      var tags = element("ul", "tags");
      tags.setAttribute("aria-label", "Tags");
      row[4].forEach(function (name) {
        var tagItem = element("li");
        var tagLink = element("a", "tag", name);
        tagLink.setAttribute("href", new URL("tags/" + encodeURIComponent(name) + "/", root).pathname);
        tagItem.appendChild(tagLink);
        tags.appendChild(tagItem);
      });
      li.appendChild(tags);
    }
    return li;
  }
  function showMore(token, focusFirst) {
    var start = list.children.length;
    var slice = shown.slice(start, start + PAGE);
    var chunks = Array.from(new Set(slice.map(function (r) { return Math.floor(r[0] / meta.chunk); })));
    return Promise.all(chunks.map(function (c) { return load("docs/" + c + ".json"); })).then(function () {
      if (token !== run) { return; }
      var fragment = document.createDocumentFragment();
      return Promise.all(slice.map(function (r) {
        return load("docs/" + Math.floor(r[0] / meta.chunk) + ".json").then(function (chunk) {
          return chunk[r[0] % meta.chunk];
        });
      })).then(function (rows) {
        if (token !== run) { return; }
        rows.forEach(function (row) { fragment.appendChild(item(row)); });
        list.appendChild(fragment);
        if (focusFirst && list.children[start]) { list.children[start].querySelector("a").focus(); }
        more.hidden = list.children.length >= shown.length;
      });
    });
  }
  function describe(state, count) {
    var what = state.q.trim() ? " for \u201c" + state.q.trim() + "\u201d" : "";
    if (state.tag) { what += " tagged " + state.tag; }
    if (state.year) { what += " from " + state.year; }
    return (count === 0 ? "No results" : count === 1 ? "1 result" : count + " results") + what + ".";
  }

  function update(push) {
    if (!meta) { return Promise.resolve(); }  // not loaded yet: searched once it is
    var state = readForm();
    if (push) { writeURL(state); }
    var token = ++run;
    if (!state.q.trim() && !state.tag && !state.year) {
      shown = [];
      list.textContent = "";
      more.hidden = true;
      status.textContent = "";
      return Promise.resolve();
    }
    return find(state).then(function (docs) {
      if (token !== run) { return; }
      shown = docs;
      list.textContent = "";
      return showMore(token, false).then(function () {
        if (token === run) { status.textContent = describe(state, docs.length); }
      });
    }).catch(function () {
      if (token === run) { status.textContent = "Search is not available right now."; }
    });
  }

  var timer = 0;
  function soon() {
    clearTimeout(timer);
    timer = setTimeout(function () { update(true); }, 120);
  }

  function restore() {
    setForm(readURL());
    return update(false);
  }

  function options(select, rows) {
    rows.forEach(function (row) {
      var option = element("option", "", row[1]);
      option.value = row[0];
      select.appendChild(option);
    });
  }

  more = element("button", "search-more", "More results");
  more.type = "button";
  more.hidden = true;
  list.parentNode.insertBefore(more, list.nextSibling);
  more.addEventListener("click", function () { showMore(run, true); });

  // Listen at once: what a reader types while the index loads is kept, and searched when it is there.
  input.addEventListener("input", soon);
  [tagSelect, yearSelect, sortSelect].forEach(function (s) { s.addEventListener("change", function () { update(true); }); });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    update(true);
  });
  window.addEventListener("popstate", restore);
  window.addEventListener("pageshow", function (event) { if (event.persisted) { restore(); } });

  load("meta.json").then(function (m) {
    meta = m;
    options(tagSelect, meta.tags.map(function (r) { return [r[0], r[0] + " (" + r[2] + ")"]; }));
    options(yearSelect, meta.years.slice().reverse().map(function (r) { return [r[0], r[0]]; }));
    var state = readURL();
    if (!state.q && input.value) { state.q = input.value; }  // typed before the index arrived
    setForm(state);
    return update(true);
  }).catch(function () {
    status.textContent = "Search is not available: the index could not be loaded.";
  });
})();
