/* neageo layers: Leaflet's layer control (collapsed) with the layer names set as text (Leaflet puts
   a name in as HTML, so each is escaped first) and switched with the language. */
(function (neageo) {
  "use strict";

  /** A name as markup that shows exactly that text. */
  function asText(name) {
    var s = neageo.el("span", null, name);
    return s.outerHTML;
  }

  /** options.overlays / options.base: [{name}], in the order of `refs` (overlays first). */
  neageo.layers = function (map, options, refs) {
    var h = neageo.hub(map);
    h.addMessages(options.messages, options.texts);
    var entries = [];
    (options.base || []).forEach(function (e, i) { entries.push({name: e.name, layer: refs[(options.overlays || []).length + i], base: true}); });
    (options.overlays || []).forEach(function (e, i) { entries.push({name: e.name, layer: refs[i], base: false}); });
    var control = L.control.layers(null, null, {collapsed: options.collapsed !== false, position: options.position || "topright",
      autoZIndex: options.autoZIndex !== false});
    /* in a batch of layer changes (a story chapter, a shared link) the list is rebuilt once, after it */
    var change = control._onLayerChange, stale = false;
    control._onLayerChange = function (e) {
      if (!h.holding) { return change.call(this, e); }
      var was = this._handlingClick;
      this._handlingClick = true;
      try { change.call(this, e); } finally { this._handlingClick = was; }
      stale = true;
    };
    h.on("refresh", function () {
      if (stale && control._map) { stale = false; control._update(); }
    });
    function fill() {
      entries.forEach(function (e) { control.removeLayer(e.layer); });
      entries.forEach(function (e) {
        if (e.base) { control.addBaseLayer(e.layer, asText(h.t(e.name))); } else { control.addOverlay(e.layer, asText(h.t(e.name))); }
      });
    }
    fill();
    /* on the map once the page's layers are drawn: a control on the map rebuilds its list for every
       layer added, and the page adds its layers one by one as it settles */
    if (h.ready) { attach(); } else { h.on("drawn", attach); }
    function attach() {
      control.addTo(map);
      icon();
      texts();
    }
    /* the toggle's icon as inline SVG: Leaflet's sprite is an image the page may not have (and its
       high-density copy is another file), which left the button blank on phones */
    function icon() {
      var toggle = control.getContainer().querySelector(".leaflet-control-layers-toggle");
      if (toggle && !toggle.querySelector("svg")) {
        var ns = "http://www.w3.org/2000/svg", svg = document.createElementNS(ns, "svg");
        svg.setAttribute("viewBox", "0 0 26 26"); svg.setAttribute("width", "26"); svg.setAttribute("height", "26");
        svg.setAttribute("aria-hidden", "true"); svg.setAttribute("class", "nea-layers-icon");
        [["M13 4 L23 9 L13 14 L3 9 Z", "#fff"], ["M3 13 L13 18 L23 13", "none"], ["M3 17 L13 22 L23 17", "none"]].forEach(function (d) {
          var path = document.createElementNS(ns, "path");
          path.setAttribute("d", d[0]); path.setAttribute("fill", d[1]); path.setAttribute("stroke", "#333");
          path.setAttribute("stroke-width", "1.6"); path.setAttribute("stroke-linejoin", "round");
          svg.appendChild(path);
        });
        toggle.appendChild(svg);
        toggle.classList.add("nea-layers-toggle");
      }
    }
    function texts() {
      var c = control.getContainer(), t = c && c.querySelector(".leaflet-control-layers-toggle");
      if (t) { t.title = h.tr("layers"); t.setAttribute("aria-label", h.tr("layers")); }
    }
    h.on("lang", function () { fill(); texts(); });
    var api = {control: control};
    h.plugins.layers = api;
    return api;
  };
  if (typeof module === "object" && module.exports) { module.exports = {}; }
}(typeof module === "object" && module.exports ? require("./core.js") : self.neageo));
