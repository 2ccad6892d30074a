import {test} from "node:test";
import assert from "node:assert/strict";
import {core, packed, labels, search, hash, legend, credits} from "./load.mjs";

test("hash: a good hash gives every field", () => {
  const s = hash.parse("#@42.5000,130.5000,8&lang=ko&t=2005&layers=rivers,customs_gates");
  assert.deepEqual(s.view, [42.5, 130.5, 8]);
  assert.equal(s.lang, "ko");
  assert.equal(s.t, "2005");
  assert.deepEqual(s.layers, ["rivers", "customs_gates"]);
});

test("hash: bad hashes throw nothing and give no bad field", () => {
  for (const bad of ["#%E0%A4%A", "#@91,500,99", "#lang=xx&t=abc&layers=%00", "#@nan,1,2", "#layers=<script>",
    "#&&&", "#=", "#@1,2", "#t=" + "9".repeat(100)]) {
    const s = hash.parse(bad);
    assert.equal(s.view, null, bad);
    assert.ok(s.layers === null || s.layers.every((id) => /^[\w.-]+$/.test(id)), bad);
    assert.ok(s.t === null || /^[\w.:-]{1,32}$/.test(s.t), bad);
  }
  assert.equal(hash.parse("#lang=xx").lang, "xx");  // well formed: the map checks it is one it offers
});

test("hash: format keeps foreign fields and round-trips", () => {
  const text = hash.format({other: ["migration"], view: [42.5, 130.5, 8.25], lang: "zh", t: 2004, layers: ["a", "b"]});
  assert.equal(text, "#migration&@42.5000,130.5000,8.25&lang=zh&t=2004&layers=a,b");
  const back = hash.parse(text);
  assert.deepEqual(back.other, ["migration"]);
  assert.deepEqual(back.view, [42.5, 130.5, 8.25]);
});

test("search ranks exact, then prefix, then inside; one entry per name, layer and time", () => {
  const f = (id, names, extra) => ({id, p: Object.assign({n: names}, extra || {}), lay: {id: "l", search: true}});
  const feats = [f("a", {en: "Heihe River"}), f("b", {en: "Heihe"}), f("c", {en: "North Heihe"}), f("d", {en: "Heihe"}),
    f("e", {en: "Dalian"}, {p: ["Place", [], "", ["Dairen"]]})];
  const nameOf = (x) => x.p.n.en;
  assert.deepEqual(search.rank(feats, "heihe", nameOf).map((x) => x.id), ["b", "a", "c"]);
  assert.deepEqual(search.rank(feats, "DAIREN", nameOf).map((x) => x.id), ["e"]);
  assert.deepEqual(search.rank(feats, "  ", nameOf), []);
  const hidden = {id: "z", p: {n: {en: "Heihe lake"}}, lay: {id: "lakes", search: false}};
  assert.ok(!search.rank([hidden], "heihe", nameOf).length);
  assert.deepEqual(search.keysOf({p: {q: ["x", "x", "y"]}}), ["x", "y"]);
});

test("labels: the grid finds overlaps and ignores the owner's own box", () => {
  const g = new labels.Grid(64);
  g.add([10, 10, 30, 20], "me");
  g.add([200, 200, 260, 230], null);
  assert.ok(g.hits([25, 15, 40, 25]));
  assert.ok(!g.hits([25, 15, 40, 25], "me"));
  assert.ok(!g.hits([31, 10, 60, 20]));
  assert.ok(g.hits([250, 225, 300, 240]));
});

test("labels: eight spots round a point and four a line further out, clear of its symbol", () => {
  const c = {x: 100, y: 100}, r = 6, w = 40, h = 12;
  const spots = labels.candidates(c, r, w, h);
  assert.equal(spots.length, 12);
  for (const [x, y] of spots) {
    const box = [x - w / 2, y - h / 2, x + w / 2, y + h / 2];
    const clearX = box[0] >= c.x + r - 3 || box[2] <= c.x - r + 3;
    const clearY = box[1] >= c.y + r - 4 || box[3] <= c.y - r + 4;
    assert.ok(clearX || clearY, JSON.stringify(box));
  }
  assert.equal(labels.candidates(c, 0, w, h).length, 3);
});

test("labels: a line label sits on a straight stretch and is turned along it", () => {
  const size = {x: 400, y: 300};
  const pts = [{x: 10, y: 150}, {x: 390, y: 150}];
  const spot = labels.lineSpot(pts, 60, 12, size, () => false);
  assert.ok(spot);
  assert.equal(spot.ang, 0);
  assert.ok(Math.abs(spot.c.x - 200) < 30);
  const diag = labels.lineSpot([{x: 10, y: 10}, {x: 290, y: 290}], 60, 12, size, () => false);
  assert.ok(Math.abs(diag.ang - 45) < 1e-9);
  assert.equal(labels.lineSpot([{x: 10, y: 10}, {x: 40, y: 10}], 60, 12, size, () => false), null);  // too short
  assert.equal(labels.lineSpot(pts, 60, 12, size, () => true), null);  // everything taken
  const zigzag = [];
  for (let i = 0; i < 40; i++) { zigzag.push({x: 10 + i * 9, y: 150 + (i % 2 ? 30 : -30)}); }
  assert.equal(labels.lineSpot(zigzag, 60, 12, size, () => false), null);  // never across a bend
});

test("packed: point in rings and the style of a feature", () => {
  const square = [[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]], hole = [[0.5, 0.5], [1, 0.5], [1, 1], [0.5, 1], [0.5, 0.5]];
  assert.ok(core.pointIn(1.5, 1.5, [square]));
  assert.ok(!core.pointIn(0.75, 0.75, [square, hole]));
  assert.ok(!core.pointIn(3, 1, [square]));
  const st = packed.styleOf({styles: [{color: "#000", weight: 1}, {color: "#f00"}], time: true}, {s: 1, w: 4, f: "#0f0"});
  assert.deepEqual(st, {color: "#f00", weight: 4, fillColor: "#0f0", fillOpacity: 0.75, className: "nea-timed"});
  assert.equal(core.distToSegment({x: 0, y: 5}, {x: -10, y: 0}, {x: 10, y: 0}), 5);
});

test("legend swatches and escaped credits", () => {
  assert.deepEqual(legend.swatch("line", {color: "#123", weight: 9, dashArray: "4 2"}), {borderTop: "6px dashed #123"});
  assert.equal(legend.swatch("area", {color: "#1", fillColor: "#2", fillOpacity: 0.1}).opacity, "0.5");
  assert.equal(credits.escapeHtml("<b>\"A\" & 'B'</b>"), "&lt;b&gt;&quot;A&quot; &amp; &#39;B&#39;&lt;/b&gt;");
});

test("search: one or two typos by length, adjacent swaps count once", () => {
  assert.equal(search.edits("suifenho", "suifenhe", 2), 1);
  assert.equal(search.edits("hunhcun", "hunchun", 2), 1);
  assert.equal(search.edits("yalu", "yaku", 0), 1);  // over the cap
  assert.equal(search.score(["suifenhe"], "suifenho"), 3);
  assert.equal(search.score(["sakha", "yakutia"], "yalu"), 9);  // four letters: no typo allowed
  assert.equal(search.score(["harbin"], "harbni"), 3);
});

test("search: a feature's parts under one entry, the largest first", () => {
  const bounds = (d) => ({isValid: () => true, getNorth: () => d, getSouth: () => 0, getEast: () => d, getWest: () => 0});
  const part = (id, d) => ({id, p: {h: "CHN-PRK border: Yalu", p: ["Border", [], "", []]}, lay: {id: "borders"},
    layer: {getBounds: () => bounds(d)}});
  const feats = [part("b:0", 0.05), part("b:1", 3), {id: "r:0", p: {n: {en: "Yalu"}, p: ["River", [], "", []]}, lay: {id: "rivers"},
    layer: {getBounds: () => bounds(5)}}];
  const got = search.rank(feats, "yalu", (f) => f.p.n ? f.p.n.en : f.p.h);
  assert.deepEqual(got.map((f) => f.id), ["r:0", "b:1"]);
  assert.deepEqual(got[1].group.map((f) => f.id), ["b:1", "b:0"]);
});

test("labels: each spot's box for a narrow label lies inside the same spot's box for a wider one", () => {
  // why a point whose narrowest boxes are all taken can be skipped unmeasured (labels.js, mightFit)
  const box = (q, w, h) => [q[0] - w / 2, q[1] - h / 2, q[0] + w / 2, q[1] + h / 2];
  for (const r of [0, 5.5, 9]) {
    for (const [w1, w2, h] of [[4, 40, 14], [2, 2.5, 11], [10, 300, 20]]) {
      const c = {x: 200.25, y: 133.5}, a = labels.candidates(c, r, w1, h), b = labels.candidates(c, r, w2, h);
      assert.equal(a.length, b.length);
      a.forEach((q, i) => {
        const small = box(q, w1, h), big = box(b[i], w2, h);
        assert.ok(small[0] >= big[0] - 1e-9 && small[1] >= big[1] - 1e-9 && small[2] <= big[2] + 1e-9 && small[3] <= big[3] + 1e-9,
          JSON.stringify({r, w1, w2, i, small, big}));
      });
    }
  }
});
