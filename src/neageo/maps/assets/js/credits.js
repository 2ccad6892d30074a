/* neageo credits: the data sources a map draws, in the corner, as text (Leaflet's attribution
   control when the map has one, which takes HTML: the credits are escaped for it). */
(function (neageo) {
  "use strict";

  /** Text made safe for a place that takes HTML. */
  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"}[c];
    });
  }

  neageo.credits = function (map, options) {
    var h = neageo.hub(map), node, ctl = null, shown = null;
    h.addMessages(options.messages, options.texts);
    /* "Data: ..." in the reader's language; the sources' own names stay as they are */
    function text() { return (h.messages.data ? h.tr("data") + ": " : "") + options.credits.join(" · "); }
    function put() {
      var t = text();
      if (ctl) { ctl.getContainer().textContent = t; return; }
      if (shown !== null) { map.attributionControl.removeAttribution(shown); }
      shown = escapeHtml(t);
      map.attributionControl.addAttribution(shown);
    }
    if (map.attributionControl) {
      put();
      node = map.attributionControl.getContainer();
      node.className += " nea-credit";
    } else {
      ctl = L.control({position: options.position || "bottomright"});
      ctl.onAdd = function () { return neageo.el("div", "leaflet-control-attribution leaflet-control nea-credit", text()); };
      ctl.addTo(map);
      node = ctl.getContainer();
    }
    h.on("lang", put);
    var api = {node: node};
    h.plugins.credits = api;
    return api;
  };
  if (typeof module === "object" && module.exports) { module.exports = {escapeHtml: escapeHtml}; }
}(typeof module === "object" && module.exports ? require("./core.js") : self.neageo));
