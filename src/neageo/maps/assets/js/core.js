/* neageo map core: the namespace every neageo folium plugin registers on, the per-map hub the
   plugins share (features, layers, language, time, messages, events), the packed-geometry decoder
   and the text helpers.  A classic script: in a page it defines window.neageo; under node it is a
   CommonJS module, so the pure functions are unit-tested with node's own test runner.
   Nothing from the data is ever parsed as HTML: text is set with textContent. */
(function (root, factory) {
  "use strict";
  var ns = factory();
  if (typeof module === "object" && module.exports) {
    module.exports = ns;
  } else {
    root.neageo = root.neageo && root.neageo.version === ns.version ? root.neageo : ns;
  }
}(typeof self !== "undefined" ? self : this, function () {
  "use strict";
  var neageo = {version: 1};

  /* -- packed geometry: integers 5 bits a character over base64url's alphabet (contract.json) -- */
  var ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  var CODE = {};
  ALPHABET.split("").forEach(function (ch, i) { CODE[ch.charCodeAt(0)] = i; });
  /** Signed integers from packed text (zigzag, continuation bit 0x20). */
  function unpack(s) {
    var out = [], v = 0, shift = 0;
    for (var i = 0; i < s.length; i++) {
      var c = CODE[s.charCodeAt(i)];
      if (c === undefined) { throw new Error("neageo: bad character in packed geometry"); }
      v += (c & 0x1f) * Math.pow(2, shift);
      shift += 5;
      if (c < 0x20) {
        out.push(v % 2 ? -(v + 1) / 2 : v / 2);
        v = 0; shift = 0;
      }
    }
    return out;
  }
  /** [lng, lat] pairs from delta-encoded integers in units of 1 / scale degree. */
  function pair(lng, lat) { return [lng, lat]; }
  /** The points of a packed line: make(lng, lat) for each ([lng, lat] by default); with `keep`, only
      the vertices a coarser level keeps (their packed index deltas: contract.json, "detail"; "" keeps
      them all).  No array is made for a vertex that is not kept. */
  function line(s, scale, keep, make) {
    var a = unpack(s), out = [], x = 0, y = 0, idx = keep ? unpack(keep) : null, j = 0, next = idx ? idx[0] : 0;
    make = make || pair;
    for (var i = 0; 2 * i + 1 < a.length; i++) {
      x += a[2 * i]; y += a[2 * i + 1];
      if (!idx || i === next) {
        out.push(make(x / scale, y / scale));
        if (idx) { j++; next = j < idx.length ? next + idx[j] : -1; }
      }
    }
    if (idx && j < idx.length) { throw new Error("neageo: bad index in a coarse level"); }
    return out;
  }
  /** A ring from shared arcs: a reference r >= 0 is arc r, ~r is arc r reversed. */
  function ring(refs, arcLine) {
    var out = [];
    refs.forEach(function (r) {
      var a = arcLine(r < 0 ? ~r : r), n = a.length, i;
      if (r < 0) {
        for (i = out.length ? n - 2 : n - 1; i >= 0; i--) { out.push(a[i]); }
      } else {
        for (i = out.length ? 1 : 0; i < n; i++) { out.push(a[i]); }
      }
    });
    return out;
  }
  /** A GeoJSON geometry from a packed one: [type, coordinates] (contract.json, "geometry"). */
  function decode(g, scale, arcLine) {
    var t = g[0], c = g[1];
    function ln(s) { return line(s, scale); }
    function rg(refs) { return ring(refs, arcLine); }
    if (t === "P") { return {type: "Point", coordinates: ln(c)[0]}; }
    if (t === "MP") { return {type: "MultiPoint", coordinates: ln(c)}; }
    if (t === "L") { return {type: "LineString", coordinates: ln(c)}; }
    if (t === "ML") { return {type: "MultiLineString", coordinates: c.map(ln)}; }
    if (t === "A") { return {type: "Polygon", coordinates: c.map(ln)}; }
    if (t === "MA") { return {type: "MultiPolygon", coordinates: c.map(function (p) { return p.map(ln); })}; }
    if (t === "TA") { return {type: "Polygon", coordinates: c.map(rg)}; }
    if (t === "TMA") { return {type: "MultiPolygon", coordinates: c.map(function (p) { return p.map(rg); })}; }
    throw new Error("neageo: unknown geometry type " + String(t));
  }

  /* -- plane geometry shared by the plugins (screen pixels or degrees alike) -- */
  /** Distance from point p to segment ab ({x, y} points). */
  function distToSegment(p, a, b) {
    var dx = b.x - a.x, dy = b.y - a.y, l2 = dx * dx + dy * dy;
    var t = l2 ? Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / l2)) : 0;
    return Math.hypot(p.x - a.x - t * dx, p.y - a.y - t * dy);
  }
  /** Whether [x, y] is inside a polygon given as rings of [x, y] (even-odd rule: holes count). */
  function pointIn(x, y, rings) {
    var inside = false;
    for (var k = 0; k < rings.length; k++) {
      var r = rings[k];
      for (var i = 0, j = r.length - 1; i < r.length; j = i++) {
        var a = r[i], b = r[j];
        if ((a[1] > y) !== (b[1] > y) && x < (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]) + a[0]) { inside = !inside; }
      }
    }
    return inside;
  }

  /* -- text -- */
  /** The same key as neageo.gazetteer.normalise: NFKD, marks dropped, NFC, case folded, letters and digits only. */
  function norm(s) {
    return String(s).normalize("NFKD").replace(/\p{Mn}/gu, "").normalize("NFC").toLowerCase()
      .replace(/ß/g, "ss").replace(/[^\p{L}\p{N}]/gu, "");
  }
  /** At most n characters, an ellipsis marking the cut. */
  function cap(s, n) {
    s = String(s === null || s === undefined ? "" : s);
    return s.length > n ? s.slice(0, n - 1) + "…" : s;
  }
  /** The name in a language, else English, else "". */
  function pick(names, lang) { return names ? (names[lang] || names.en || "") : ""; }
  /** A date or year as the reader's language writes it ("2005-11" -> "November 2005"). */
  function fmtDate(d, lang) {
    var m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$/.exec(String(d));
    if (!m || !m[2]) { return String(d); }
    var date = new Date(Date.UTC(+m[1], +m[2] - 1, +(m[3] || 1)));
    var opts = m[3] ? {year: "numeric", month: "short", day: "numeric", timeZone: "UTC"}
      : {year: "numeric", month: "long", timeZone: "UTC"};
    try { return new Intl.DateTimeFormat(lang, opts).format(date); } catch (err) { return String(d); }
  }
  /** Whether a feature's time properties let it show at stop value v (t: only then; ts: from then on). */
  function shownAt(p, v) {
    if (v === null || v === undefined) { return true; }
    if (p.t !== undefined) { return p.t === v; }
    if (p.ts !== undefined) { return p.ts <= v; }
    return true;
  }
  /** A DOM element with a class and text (set as text, never parsed). */
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== null && text !== undefined) { e.textContent = text; }
    return e;
  }

  /* -- the hub: one per map, shared by every plugin on it -- */
  var hubs = [];
  function Hub(map) {
    this.map = map;
    this.lang = "en";
    this.langs = [["en", "English"]];
    this.messages = {};
    this.texts = {};
    this.features = [];
    this.layers = {};
    this.layerIds = [];
    this.arcs = {};
    this.time = null;
    this.plugins = {};
    this.slots = {};
    this.ready = false;
    this.settling = false;
    /* > 0 while a batch of changes runs: what depends on the view (labels, the layer list) waits */
    this.holding = 0;
    /* layers to draw once the page has settled: added then, in one pass at the view it opens on */
    this.pending = [];
    this.labelledAt = null;
  }
  Hub.prototype = {
    /** A control text in the current language (messages.json), English if untranslated. */
    tr: function (key) {
      var m = this.messages[key];
      return m ? (m[this.lang] || m.en || key) : key;
    },
    /** A data text (layer title, field name, legend row) in the current language, as given if untranslated. */
    t: function (text) {
      var m = this.texts[text];
      return (m && m[this.lang]) || text;
    },
    addMessages: function (messages, texts) {
      var self = this;
      Object.keys(messages || {}).forEach(function (k) { self.messages[k] = messages[k]; });
      Object.keys(texts || {}).forEach(function (k) { self.texts[k] = texts[k]; });
    },
    fire: function (type, data) { this.map.fire("neageo:" + type, data || {}); },
    on: function (type, fn, ctx) { this.map.on("neageo:" + type, fn, ctx); return this; },
    /** Features of a layer join the hub: labels, search, time and the hash see them. */
    register: function (id, group, feats) {
      if (!this.layers[id]) { this.layerIds.push(id); }
      this.layers[id] = group;
      var self = this;
      feats.forEach(function (f) {
        f.shown = self.time ? shownAt(f.p, self.time.stops[self.time.i].v) : true;
        self.features.push(f);
      });
      this.fire("features", {layer: id, features: feats});
    },
    nameOf: function (f) { return f.p.n ? pick(f.p.n, this.lang) : (f.p.h || ""); },
    labelOf: function (f) { return f.p.ln ? pick(f.p.ln, this.lang) : this.nameOf(f); },
    /** Whether a registered layer is on (drawn, or to be drawn when the page settles). */
    layerOn: function (id) {
      var layer = this.layers[id];
      return !!layer && (this.map.hasLayer(layer) || this.pending.indexOf(layer) >= 0);
    },
    /** Put a layer on the map: at once on a settled map, else when it settles (so the page draws each
        layer once, at the view and with the layers its plugins choose, not once per change while they
        choose). */
    show: function (layer) {
      if (this.ready) {
        this.map.addLayer(layer);
      } else if (this.pending.indexOf(layer) < 0) {
        this.pending.push(layer);
      }
    },
    hide: function (layer) {
      var i = this.pending.indexOf(layer);
      if (i >= 0) { this.pending.splice(i, 1); }
      if (this.map.hasLayer(layer)) { this.map.removeLayer(layer); }
    },
    visible: function (f) { return this.layerOn(f.lay.id) && f.shown; },
    setLang: function (lang, quiet) {
      var known = this.langs.map(function (l) { return l[0]; });
      this.lang = known.indexOf(lang) >= 0 ? lang : known[0];
      this.fire("lang", {lang: this.lang});
      if (!quiet) { this.changed(); }
      return this.lang;
    },
    /** The time stops of the map (the time plugin sets them) and the one in force. */
    setStops: function (stops, start) {
      this.time = {stops: stops, i: Math.max(0, Math.min(stops.length - 1, start | 0))};
      this.setTime(this.time.i, true);
    },
    setTime: function (i, quiet) {
      if (!this.time) { return; }
      i = Math.max(0, Math.min(this.time.stops.length - 1, i | 0));
      this.time.i = i;
      var v = this.time.stops[i].v;
      this.features.forEach(function (f) { f.shown = shownAt(f.p, v); });
      this.fire("time", {index: i, stop: this.time.stops[i]});
      if (!quiet) { this.changed(); }
    },
    /** Show exactly the registered layers listed (by id); others registered are hidden. */
    setLayers: function (ids, quiet) {
      var self = this;
      this.batch(function () {
        self.layerIds.forEach(function (id) {
          var want = ids.indexOf(id) >= 0, on = self.layerOn(id);
          if (want && !on) { self.show(self.layers[id]); }
          if (!want && on) { self.hide(self.layers[id]); }
        });
      }, true);
      if (!quiet) { this.changed(); }
    },
    visibleLayers: function () {
      var self = this;
      return this.layerIds.filter(function (id) { return self.layerOn(id); });
    },
    /** Emphasise the features whose key (p.k) is listed; an empty list clears it. */
    highlight: function (keys) { this.fire("highlight", {keys: keys || []}); },
    /** Something the URL hash records changed (view aside: Leaflet's moveend covers that). */
    changed: function () { this.fire("change"); this.refresh(); },
    /** Ask the plugins to redraw what depends on the view (labels). */
    refresh: function () { if (this.ready && !this.holding) { this.fire("refresh"); } },
    /** Run fn with what depends on the view (labels, the layer list) held until it ends, then refresh
        once (unless quiet: the caller refreshes). */
    batch: function (fn, quiet) {
      this.holding++;
      try { fn(); } finally { this.holding--; }
      if (!quiet) { this.refresh(); }
    },
    /** Zoom to a feature (to all of its parts, when a group of them is given), make sure it is drawn,
        and open its popup. */
    choose: function (f, group) {
      if (!this.layerOn(f.lay.id)) { this.show(this.layers[f.lay.id]); }
      if (this.time && !shownAt(f.p, this.time.stops[this.time.i].v)) {
        var want = f.p.t !== undefined ? f.p.t : f.p.ts, self = this;
        this.time.stops.forEach(function (s, i) { if (s.v === want) { self.setTime(i, true); } });
      }
      this.fire("choose", {feature: f, group: group && group.length > 1 ? group : null});
      this.changed();
    },
    /** Every plugin is on the map: they set the view and the layers ("ready"), then the layers are
        drawn, in the order they were registered, and the labels placed ("refresh"). */
    settle: function () {
      if (this.ready || this.settling) { return; }
      this.settling = true;
      this.fire("ready");
      var ids = this.layerIds, layers = this.layers, map = this.map;
      function rank(layer) {
        for (var i = 0; i < ids.length; i++) { if (layers[ids[i]] === layer) { return i; } }
        return ids.length;
      }
      var queue = this.pending.map(function (l, i) { return {l: l, r: rank(l), i: i}; });
      queue.sort(function (a, b) { return a.r - b.r || a.i - b.i; });
      this.pending = [];
      queue.forEach(function (q) { map.addLayer(q.l); });
      this.settling = false;
      this.ready = true;
      this.fire("drawn");
      this.fire("refresh");
    }
  };
  /** The hub of a Leaflet map (made on first use). */
  function hub(map) {
    if (!map._neageo) {
      map._neageo = new Hub(map);
      hubs.push(map._neageo);
      if (typeof window !== "undefined") {
        if (!window.nea) { window.nea = legacy(map._neageo); }
        /* a page written by neageo calls settle() at the end of its script; any other page settles
           once the current script has run */
        setTimeout(settle, 0);
      }
    }
    return map._neageo;
  }
  /** Every map's plugins have been added: place labels, restore state, and note the time. */
  function settle() {
    var perf = typeof performance !== "undefined" && performance.mark ? performance : null;
    if (perf) { perf.mark("neageo:settle"); }
    hubs.forEach(function (h) { h.settle(); });
    if (typeof window !== "undefined" && window.neaDrawn === undefined) {
      window.neaDrawn = typeof performance !== "undefined" ? performance.now() : 0;
      /* and once the browser has painted that (the frame after it, then the task after that frame) */
      if (typeof requestAnimationFrame === "function") {
        requestAnimationFrame(function () { setTimeout(function () { window.neaPainted = performance.now(); }, 0); });
      }
    }
  }
  /** window.nea: the first map's hub under the names the 0.2 runtime used (tests, console). */
  function legacy(h) {
    return {
      hub: h, map: h.map, features: h.features, norm: norm,
      get labels() { return h.plugins.labels ? h.plugins.labels.labels : []; },
      search: function (q) { return h.plugins.search ? h.plugins.search.find(q) : []; },
      choose: function (f) { h.choose(f); },
      setLang: function (l) { return h.setLang(l); },
      setTime: function (i) { h.setTime(i); },
      place: function () { h.refresh(); },
      get layersControl() { return h.plugins.layers ? h.plugins.layers.control : null; }
    };
  }

  neageo.ALPHABET = ALPHABET;
  neageo.unpack = unpack;
  neageo.line = line;
  neageo.ring = ring;
  neageo.distToSegment = distToSegment;
  neageo.pointIn = pointIn;
  neageo.decode = decode;
  neageo.norm = norm;
  neageo.cap = cap;
  neageo.pick = pick;
  neageo.fmtDate = fmtDate;
  neageo.shownAt = shownAt;
  neageo.el = el;
  neageo.hub = hub;
  neageo.settle = settle;
  neageo.Hub = Hub;
  return neageo;
}));
