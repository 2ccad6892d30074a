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

  /** Edit distance between a and b with adjacent swaps (optimal string alignment), or cap + 1 once it exceeds cap. */
  function edits(a, b, cap) {
    if (Math.abs(a.length - b.length) > cap) { return cap + 1; }
    var prev2 = null, prev = [], cur, i, j;
    for (j = 0; j <= b.length; j++) { prev.push(j); }
    for (i = 1; i <= a.length; i++) {
      cur = [i];
      var low = i;
      for (j = 1; j <= b.length; j++) {
        var c = a[i - 1] === b[j - 1] ? 0 : 1;
        var v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + c);
        if (prev2 && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) { v = Math.min(v, prev2[j - 2] + 1); }
        cur.push(v);
        low = Math.min(low, v);
      }
      if (low > cap) { return cap + 1; }
      prev2 = prev; prev = cur;
    }
    return prev[b.length];
  }
  /** How many typos a query of n characters may hold: none under 5, one under 8, else two. */
  function allowed(n) { return n < 5 ? 0 : n < 8 ? 1 : 2; }

  /** How well a query key k matches: 0 exact, 1 prefix, 2 inside, 3-4 with one or two typos
      (of the whole name or of its beginning), 9 not at all. */
  function score(keys, k) {
    var best = 9, cap = allowed(k.length);
    keys.forEach(function (key) {
      var s = key === k ? 0 : key.indexOf(k) === 0 ? 1 : key.indexOf(k) > 0 ? 2 : 9;
      if (s === 9 && cap) {
        var d = Math.min(edits(k, key, cap), edits(k, key.slice(0, k.length), cap));
        if (d <= cap) { s = 2 + d; }
      }
      if (s < best) { best = s; }
    });
    return best;
  }

  /** The best matches among features for query q (at most 12): one entry per named feature, its parts
      (a border's segments along one river, the same border before a treaty) grouped under it as
      f.group, the largest part first.  A feature whose own name is the query comes first. */
  function rank(features, q, nameOf) {
    var k = neageo.norm(q);
    if (!k) { return []; }
    var out = [];
    features.forEach(function (f) {
      if (f.p.q === undefined && f.lay.search === false) { return; }
      var s = score(keysOf(f), k);
      if (s < 9) { var own = neageo.norm(nameOf(f)); out.push({f: f, s: s === 0 && own === k ? -1 : s, n: own.length}); }
    });
    /* then the shorter name (the closer match), the higher label rank, the id */
    out.sort(function (a, b) {
      return a.s - b.s || a.n - b.n || ((a.f.p.l ? a.f.p.l[0] : 9) - (b.f.p.l ? b.f.p.l[0] : 9)) ||
        (a.f.id < b.f.id ? -1 : a.f.id > b.f.id ? 1 : 0);
    });
    var groups = {}, firsts = [];
    out.forEach(function (r) {
      var kind = r.f.p.p ? r.f.p.p[0] : r.f.lay.title;
      var key = nameOf(r.f) + "|" + kind + "|" + (r.f.p.t === undefined ? "" : r.f.p.t);
      if (!groups[key]) { groups[key] = []; firsts.push(key); }
      groups[key].push(r.f);
    });
    return firsts.slice(0, MAX_RESULTS).map(function (key) {
      var lay = groups[key][0].lay;  /* the best match's layer first (borders in force before former ones) */
      var members = groups[key].slice().sort(function (a, b) {
        return (a.lay.id === lay.id ? 0 : 1) - (b.lay.id === lay.id ? 0 : 1) || extent(b) - extent(a);
      });
      var f = members[0];
      f.group = members;
      return f;
    });
  }
  /** A feature's size on the map (its bounds' diagonal in degrees; 0 for a point). */
  function extent(f) {
    var l = f.layer;
    if (!l || !l.getBounds) { return 0; }
    var b = l.getBounds();
    return b.isValid() ? Math.hypot(b.getNorth() - b.getSouth(), b.getEast() - b.getWest()) : 0;
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
      h.choose(f, f.group);
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

  if (typeof module === "object" && module.exports) { module.exports = {keysOf: keysOf, score: score, rank: rank, edits: edits}; }
}(typeof module === "object" && module.exports ? require("./core.js") : self.neageo));
