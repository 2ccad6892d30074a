/* neageo time: one slider with play/pause over the map's time stops (years, stages); a feature with
   p.t shows only at its stop, one with p.ts from its stop on (the packed layers apply it). */
(function (neageo) {
  "use strict";
  var STEP_MS = 1600;

  neageo.time = function (map, options) {
    var h = neageo.hub(map), stops = options.stops;
    h.addMessages(options.messages, options.texts);
    var box = neageo.el("div", "nea-time"), play = neageo.el("button", null, "▶"), input = neageo.el("input");
    var out = neageo.el("output"), timer = null;
    play.type = "button";
    input.type = "range";
    input.min = "0";
    input.max = String(stops.length - 1);
    input.step = "1";
    box.appendChild(play);
    box.appendChild(input);
    box.appendChild(out);
    box.setAttribute("role", "group");
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);

    function texts() {
      play.setAttribute("aria-label", timer ? h.tr("pause") : h.tr("play"));
      input.setAttribute("aria-label", h.tr("time"));
      box.setAttribute("aria-label", h.tr("time"));
    }
    function show() {
      var i = h.time.i, s = stops[i], when = neageo.fmtDate(s.d, h.lang);
      input.value = String(i);
      out.textContent = "";
      out.appendChild(neageo.el("b", null, when));
      if (s.s) { out.appendChild(neageo.el("span", null, h.t(s.s))); }
      input.setAttribute("aria-valuetext", when + (s.s ? " " + h.t(s.s) : ""));
    }
    function toggle() {
      if (timer) {
        clearInterval(timer);
        timer = null;
        play.textContent = "▶";
      } else {
        play.textContent = "❚❚";
        timer = setInterval(function () { h.setTime((h.time.i + 1) % stops.length); }, STEP_MS);
      }
      texts();
    }
    play.addEventListener("click", toggle);
    input.addEventListener("input", function () { h.setTime(+input.value); });
    h.on("time", show);
    h.on("lang", function () { texts(); show(); });
    h.setStops(stops, options.start || 0);
    texts();
    show();
    /* on a phone the control sits under the title, clear of the legend and the credits */
    if (map.getSize().x < 600) {
      box.className += " leaflet-control nea-time-top";
      var corner = map.getContainer().querySelector(".leaflet-top.leaflet-left");
      (corner || map.getContainer()).appendChild(box);
    } else {
      map.getContainer().appendChild(box);
    }
    var api = {box: box, toggle: toggle};
    h.plugins.time = api;
    return api;
  };
  if (typeof module === "object" && module.exports) { module.exports = {}; }
}(typeof module === "object" && module.exports ? require("./core.js") : self.neageo));
