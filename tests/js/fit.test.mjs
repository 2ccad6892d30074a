import {test} from "node:test";
import assert from "node:assert/strict";
import {fit} from "./load.mjs";

// an L-shaped area: a wide bar along the bottom and a tall narrow arm on the left
const ELL = [[[0, 0], [300, 0], [300, 60], [40, 60], [40, 300], [0, 300]]];

test("fit: the pole of an L lies in its wide bar, inside, away from the edges", () => {
  const p = fit.pole(ELL, 0.5);
  assert.ok(fit.pointIn(p.x, p.y, ELL));
  assert.ok(p.d >= 29.5 && p.d <= 31, String(p.d));  // the corner circle: r = 30.7
  assert.ok(p.y > 20 && p.y < 40, String(p.y));
});

test("fit: a box is inside only when no edge crosses it", () => {
  assert.ok(fit.boxInside([100, 10, 200, 50], ELL));
  assert.ok(!fit.boxInside([100, 10, 200, 70], ELL));   // through the bar's top edge
  assert.ok(!fit.boxInside([20, 100, 60, 120], ELL));    // across the arm's right edge
  assert.ok(!fit.boxInside([100, 100, 200, 120], ELL));  // outside altogether
});

test("fit: a label too long for the area fits nowhere; a short one fits in the bar", () => {
  assert.equal(fit.fitBox(ELL, 400, 12), null);
  const s = fit.fitBox(ELL, 120, 14);
  assert.ok(s && fit.boxInside(s.box, ELL));
  assert.equal(fit.fitBox(ELL, 120, 14, () => false), null);  // every spot blocked by other labels
});

test("fit: clip keeps the visible part (holes too) and drops what is out of view", () => {
  const withHole = [[[0, 0], [100, 0], [100, 100], [0, 100]], [[40, 40], [60, 40], [60, 60], [40, 60]]];
  const part = fit.clip(withHole, [50, -10, 200, 200]);
  assert.equal(part.length, 2);
  part[0].forEach((p) => assert.ok(p[0] >= 50));
  assert.equal(fit.clip(withHole, [200, 200, 300, 300]), null);
  const pole = fit.pole(part, 0.5);
  assert.ok(pole.x > 60 && fit.pointIn(pole.x, pole.y, part));  // beside the hole, not in it
});
