/* neageo frame: where a map opens and how far it may go.  It opens on `frame` (kept clear of the
   title and time controls), never leaves `box` (the area its data was cut to, so no clip edge shows;
   the least zoom keeps the box filling the view, or shows the whole frame where that needs less) and
   never zooms past maxZoom. */
(function (neageo) {
  "use strict";

  /** Leaflet bounds from [west, south, east, north]. */
  function bounds(b) { return L.latLngBounds([b[1], b[0]], [b[3], b[2]]); }

  neageo.frame = function (map, options) {
    var h = neageo.hub(map), frame = bounds(options.frame), box = options.box ? bounds(options.box) : null;
    if (options.maxZoom !== undefined) { map.setMaxZoom(options.maxZoom); }
    function fitMinZoom() {
      if (!box) { return; }
      /* the least zoom keeps the box filling the view, unless the frame (the map's subject: every
         gate of the overview) needs a wider view to be seen whole, as on a phone held upright */
      var snap = map.options.zoomSnap || 1, whole = Math.floor(map.getBoundsZoom(frame, false) / snap) * snap;
      var z = Math.max(0, Math.min(map.getMaxZoom(), map.getBoundsZoom(box, true), whole));
      /* Leaflet would animate up to a raised minimum, after anything done meanwhile: jump now */
      if (map.getZoom() < z) { map.setZoom(z, {animate: false}); }
      map.setMinZoom(z);
    }
    function cornerHeight(sel) {
      var c = map.getContainer().querySelector(sel);
      return c ? c.getBoundingClientRect().height : 0;
    }
    function fit() {
      var narrow = map.getSize().x < 600;
      var top = narrow ? Math.min(cornerHeight(".leaflet-top.leaflet-left") + 8, map.getSize().y / 3) : 8;
      var time = map.getContainer().querySelector(".nea-time");
      var bottom = time && !narrow ? time.getBoundingClientRect().height + 30 : 8;
      var to = map._getBoundsCenterZoom(frame, {paddingTopLeft: [4, top], paddingBottomRight: [4, bottom]});
      var center = map._limitCenter(to.center, to.zoom, map.options.maxBounds);
      /* the view it already has: no redraw (each one projects every drawn vertex again) */
      if (map._loaded && to.zoom === map.getZoom() && map.project(center, to.zoom).distanceTo(map.project(map.getCenter(), to.zoom)) < 0.5) {
        return;
      }
      map.setView(center, to.zoom, {animate: false});
    }
    /* the box limits the view before it is set (setView keeps the center inside it); Leaflet's own
       setMaxBounds comes after, when the view already lies inside: called on the map's first view it
       would start an animated pan that ends, and redraws everything, after the page has drawn */
    if (box) {
      map.options.maxBoundsViscosity = 1.0;
      map.options.maxBounds = box;
    }
    fitMinZoom();
    fit();
    if (box) { map.setMaxBounds(box); }
    /* once every control is on the page its size is known: lay them out, frame again */
    h.on("ready", function () { layout(); fit(); });
    map.on("resize", function () { fitMinZoom(); layout(); });
    h.on("lang", function () { setTimeout(layout, 0); });
    map.getContainer().addEventListener("toggle", function () { layout(); }, true);  /* a <details> opened or closed */
    /* the bottom corners and the time control share the bottom edge: each rises above what it would
       cover, and the legend's corner is never taller than the room left under the title */
    function layout() {
      var c = map.getContainer(), cb = c.getBoundingClientRect();
      var left = c.querySelector(".leaflet-bottom.leaflet-left"), right = c.querySelector(".leaflet-bottom.leaflet-right");
      var time = c.querySelector(".nea-time:not(.nea-time-top)"), top = c.querySelector(".leaflet-top.leaflet-left");
      [left, right].forEach(function (e) { if (e) { e.style.bottom = ""; } });
      if (time) { time.style.bottom = ""; }
      function rect(e) { return e && e.getClientRects().length ? e.getBoundingClientRect() : null; }
      function across(a, b) { return a && b && a.left < b.right && b.left < a.right; }
      var rb = rect(right), lb = rect(left), tb;
      if (time) {
        tb = rect(time);
        if (across(tb, rb) || across(tb, lb)) {
          var lift = Math.max(across(tb, rb) ? cb.bottom - rb.top : 0, 0) + 6;
          time.style.bottom = Math.max(lift, 26) + "px";
          tb = rect(time);
        }
        if (across(lb, tb)) { left.style.bottom = (cb.bottom - tb.top + 6) + "px"; }
      }
      lb = rect(left);
      if (lb && rb && across(lb, rb) && lb.bottom > rb.top) { left.style.bottom = (cb.bottom - rb.top + 4) + "px"; }
      /* the legend scrolls within the room between the top-left corner and its own corner's bottom */
      var legend = c.querySelector(".nea-legend");
      if (legend && left) {
        var room = (left.getBoundingClientRect().bottom - (rect(top) ? top.getBoundingClientRect().bottom : cb.top)) - 24 -
          (left.getBoundingClientRect().height - legend.getBoundingClientRect().height);
        legend.style.maxHeight = Math.max(60, room) + "px";
      }
    }
    var api = {fit: fit, frame: frame, box: box, layout: layout};
    h.plugins.frame = api;
    return api;
  };
  if (typeof module === "object" && module.exports) { module.exports = {}; }
}(typeof module === "object" && module.exports ? require("./core.js") : self.neageo));
