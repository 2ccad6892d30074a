/* neageo search: every name and alias of the map's features in every language, normalised as
   neageo.find does (neageo.norm), in an <input type="search">; Enter opens the best match and "/"
   focuses the box. */
(function (neageo) {
  "use strict";
  var MAX_RESULTS = 12;

  /** The normalised search keys of a feature: p.q when the page sends them, else its names,
      heading and aliases. */
  function keysOf(f) {
    if (f._keys) { return f._keys; }
    var p = f.p, names = [];
    if (p.q) {
      names = p.q;
    } else {
      if (p.n) { Object.keys(p.n).forEach(function (l) { names.push(p.n[l]); }); }
      if (p.h) { names.push(p.h); }
      if (p.p && p.p[3]) { names = names.concat(p.p[3]); }
      names = names.map(neageo.norm);
    }
    var seen = {};
    f._keys = names.filter(function (k) { if (!k || seen[k]) { return false; } seen[k] = 1; return true; });
    return f._keys;
  }

  /** How well a query key k matches: 0 exact, 1 prefix, 2 inside, 9 not at all. */
  function score(keys, k) {
    var best = 9;
    keys.forEach(function (key) {
      var s = key === k ? 0 : key.indexOf(k) === 0 ? 1 : key.indexOf(k) > 0 ? 2 : 9;
      if (s < best) { best = s; }
    });
    return best;
  }

  /** The best matches among features for query q (at most 12, one per name, layer and time). */
  function rank(features, q, nameOf) {
    var k = neageo.norm(q);
    if (!k) { return []; }
    var out = [];
    features.forEach(function (f) {
      if (f.p.q === undefined && f.lay.search === false) { return; }
      var s = score(keysOf(f), k);
      if (s < 9) { out.push({f: f, s: s}); }
    });
    out.sort(function (a, b) {
      return a.s - b.s || ((a.f.p.l ? a.f.p.l[0] : 9) - (b.f.p.l ? b.f.p.l[0] : 9)) ||
        (a.f.id < b.f.id ? -1 : a.f.id > b.f.id ? 1 : 0);
    });
    var seen = {};
    return out.filter(function (r) {
      var key = nameOf(r.f) + "|" + r.f.lay.id + "|" + (r.f.p.t === undefined ? "" : r.f.p.t);
      if (seen[key]) { return false; }
      seen[key] = 1;
      return true;
    }).slice(0, MAX_RESULTS).map(function (r) { return r.f; });
  }

  neageo.search = function (map, options) {
    var h = neageo.hub(map);
    h.addMessages(options.messages, options.texts);
    var input = neageo.el("input"), results = neageo.el("ul", "nea-results");
    input.type = "search";
    input.autocomplete = "off";
    input.className = "nea-search";
    results.setAttribute("role", "listbox");
    function texts() {
      input.placeholder = h.tr("search");
      input.setAttribute("aria-label", h.tr("search"));
    }
    texts();
    neageo.slot(map, "tools", "nea-tools").appendChild(input);
    neageo.slot(map, "below", "nea-below").appendChild(results);

    function find(q) { return rank(h.features, q, function (f) { return h.nameOf(f); }); }
    function stopOf(f) {
      if (f.p.t === undefined || !h.time) { return ""; }
      var s = h.time.stops.filter(function (x) { return x.v === f.p.t; })[0];
      return s ? " " + neageo.fmtDate(s.d, h.lang) : "";
    }
    function show(list) {
      results.textContent = "";
      if (!list.length && input.value) { results.appendChild(neageo.el("li", null, h.tr("nothing"))); return; }
      list.forEach(function (f) {
        var b = neageo.el("button", null, neageo.cap(h.nameOf(f), 80));
        b.type = "button";
        b.appendChild(neageo.el("small", null, h.t(f.p.p ? f.p.p[0] : f.lay.title) + stopOf(f)));
        b.addEventListener("click", function (ev) { L.DomEvent.stop(ev); choose(f); });
        var li = neageo.el("li");
        li.setAttribute("role", "option");
        li.appendChild(b);
        results.appendChild(li);
      });
    }
    function choose(f) {
      results.textContent = "";
      h.choose(f);
    }
    input.addEventListener("input", function () { show(find(input.value)); });
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter") { var r = find(input.value); if (r.length) { choose(r[0]); } }
      if (ev.key === "Escape") { results.textContent = ""; }
    });
    if (typeof document !== "undefined") {
      document.addEventListener("keydown", function (ev) {
        var tag = ev.target && ev.target.tagName;
        if (ev.key === "/" && tag !== "INPUT" && tag !== "TEXTAREA" && tag !== "SELECT") {
          ev.preventDefault();
          input.focus();
        }
      });
    }
    /* a skip link, the page's first tab stop: Enter puts the keyboard in the search box */
    var skip = null, container = map.getContainer();
    if (typeof document !== "undefined" && container.parentNode && h.messages.skip) {
      skip = neageo.el("a", "nea-skip", h.tr("skip"));
      skip.href = "#";
      skip.addEventListener("click", function (ev) { ev.preventDefault(); input.focus(); });
      container.parentNode.insertBefore(skip, container);
    }
    h.on("lang", function () { texts(); results.textContent = ""; if (skip) { skip.textContent = h.tr("skip"); } });
    var api = {find: find, choose: choose, input: input};
    h.plugins.search = api;
    return api;
  };

  if (typeof module === "object" && module.exports) { module.exports = {keysOf: keysOf, score: score, rank: rank}; }
}(typeof module === "object" && module.exports ? require("./core.js") : self.neageo));
