/* The page's scripts (Leaflet, the plugins, and the map folium wrote) travel as one zlib-compressed,
   base64-encoded bundle in #neageo-bundle, a third of their size as text; the browser's own
   DecompressionStream unpacks it and it runs as one classic script, in order, at global scope. */
(function () {
  "use strict";
  var holder = document.getElementById("neageo-bundle");
  function fail(why) {
    var p = document.createElement("p");
    p.className = "nea-fail";
    p.textContent = "This map could not start: " + why;
    document.body.appendChild(p);
    console.error("neageo: " + why);
  }
  if (typeof DecompressionStream === "undefined") {
    fail("it needs a browser that can unpack it (Chrome or Edge 80+, Firefox 113+, Safari 16.4+).");
    return;
  }
  var bytes;
  if (typeof Uint8Array.fromBase64 === "function") {
    bytes = Uint8Array.fromBase64(holder.textContent.trim());  /* native: Chrome 140+, Firefox 133+, Safari 18.2+ */
  } else {
    var bin = atob(holder.textContent);
    bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { bytes[i] = bin.charCodeAt(i); }
  }
  new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"))).text().then(function (code) {
    if (window.performance && performance.mark) { performance.mark("neageo:unpacked"); }
    var s = document.createElement("script");
    s.textContent = code;
    document.body.appendChild(s);
  }, function (e) { fail(String(e)); });
})();
