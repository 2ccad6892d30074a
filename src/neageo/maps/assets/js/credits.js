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
    var h = neageo.hub(map), text = options.credits.join(" · "), node;
    h.addMessages(options.messages, options.texts);
    if (map.attributionControl) {
      map.attributionControl.addAttribution(escapeHtml(text));
      node = map.attributionControl.getContainer();
      node.className += " nea-credit";
    } else {
      var ctl = L.control({position: options.position || "bottomright"});
      ctl.onAdd = function () { return neageo.el("div", "leaflet-control-attribution leaflet-control nea-credit", text); };
      ctl.addTo(map);
      node = ctl.getContainer();
    }
    var api = {node: node};
    h.plugins.credits = api;
    return api;
  };
  if (typeof module === "object" && module.exports) { module.exports = {escapeHtml: escapeHtml}; }
}(typeof module === "object" && module.exports ? require("./core.js") : self.neageo));
