/* neageo hash: the URL hash holds the view, language, time and visible layers
   (#@lat,lng,zoom&lang=zh&t=2004&layers=a,b) so a link opens the same map.  The hash is untrusted
   input: every field is parsed on its own and a bad one is ignored.  Writing uses
   history.replaceState where allowed (not inside a sandboxed iframe) and never throws.  Fields it
   does not know (a story's chapter id) are kept. */
(function (neageo) {
  "use strict";

  function decode(s) {
    try { return decodeURIComponent(s); } catch (err) { return s; }
  }
  /** The fields of a hash: {view: [lat, lng, zoom] | null, lang, t, layers: [ids] | null, other: [raw parts]}. */
  function parse(hash) {
    var out = {view: null, lang: null, t: null, layers: null, other: []};
    String(hash || "").replace(/^#/, "").split("&").forEach(function (raw) {
      if (!raw) { return; }
      var kv = decode(raw);
      var m = /^@(-?\d{1,3}(?:\.\d+)?),(-?\d{1,3}(?:\.\d+)?),(\d{1,2}(?:\.\d+)?)$/.exec(kv);
      if (m) {
        var lat = +m[1], lng = +m[2], z = +m[3];
        if (Math.abs(lat) <= 90 && Math.abs(lng) <= 180 && z <= 30) { out.view = [lat, lng, z]; }
        return;
      }
      var i = kv.indexOf("=");
      var k = i > 0 ? kv.slice(0, i) : "", v = i > 0 ? kv.slice(i + 1) : "";
      if (k === "lang" && /^[a-z]{2,3}(-[A-Za-z0-9]{1,8})?$/.test(v)) { out.lang = v; return; }
      if (k === "t" && /^[\w.:-]{1,32}$/.test(v)) { out.t = v; return; }
      if (k === "layers" && /^[\w,.-]*$/.test(v)) { out.layers = v ? v.split(",") : []; return; }
      if (k !== "lang" && k !== "t" && k !== "layers" && kv.charAt(0) !== "@") { out.other.push(raw); }
    });
    return out;
  }
  /** A hash from state fields (those given), after any foreign parts. */
  function format(state) {
    var parts = (state.other || []).slice();
    if (state.view) {
      parts.push("@" + state.view[0].toFixed(4) + "," + state.view[1].toFixed(4) + "," +
        (Math.round(state.view[2] * 100) / 100));
    }
    if (state.lang) { parts.push("lang=" + encodeURIComponent(state.lang)); }
    if (state.t !== null && state.t !== undefined) { parts.push("t=" + encodeURIComponent(String(state.t))); }
    if (state.layers) { parts.push("layers=" + state.layers.map(encodeURIComponent).join(",")); }
    return "#" + parts.join("&");
  }

  neageo.hash = function (map, options) {
    var h = neageo.hub(map), enabled = options.enabled !== false, writing = false, other = [];
    /* the address the page was opened with: nothing is written until it has been read */
    var opened = typeof location !== "undefined" ? location.hash : "", restored = false;

    function read(hash) {
      if (!enabled) { return false; }
      var s = parse(hash === undefined ? location.hash : hash), got = false;
      other = s.other;
      if (s.view) {
        var z = Math.max(map.getMinZoom(), Math.min(map.getMaxZoom(), s.view[2]));
        map.setView([s.view[0], s.view[1]], z, {animate: false});
        got = true;
      }
      if (s.lang && h.langs.some(function (l) { return l[0] === s.lang; })) { h.setLang(s.lang, true); got = true; }
      if (s.t !== null && h.time) {
        h.time.stops.forEach(function (stop, j) { if (String(stop.v) === s.t) { h.setTime(j, true); got = true; } });
      }
      if (s.layers) {
        var known = s.layers.filter(function (id) { return h.layers[id]; });
        if (known.length || !s.layers.length) { h.setLayers(known, true); got = true; }
      }
      return got;
    }
    function write() {
      if (!enabled || !restored) { return; }
      var c = map.getCenter();
      var text = format({other: other, view: [c.lat, c.lng, map.getZoom()], lang: h.lang,
        t: h.time ? h.time.stops[h.time.i].v : null, layers: h.visibleLayers()});
      if (text === location.hash) { return; }
      writing = true;
      try {
        history.replaceState(history.state, "", text);
      } catch (err) {
        /* a sandboxed or opaque-origin frame may not touch its history: the map works without it */
      }
      writing = false;
    }
    h.on("ready", function () {
      var got = read(opened);
      restored = true;
      if (got) { h.refresh(); }
      write();
    });
    map.on("moveend overlayadd overlayremove", write);
    h.on("change", write);
    window.addEventListener("hashchange", function () { if (!writing && read()) { h.refresh(); } });
    var api = {
      read: read, write: write,
      enable: function (on) { enabled = on !== false; if (enabled) { write(); } },
      get enabled() { return enabled; }
    };
    h.plugins.hash = api;
    return api;
  };
  if (typeof module === "object" && module.exports) { module.exports = {parse: parse, format: format}; }
}(typeof module === "object" && module.exports ? require("./core.js") : self.neageo));
