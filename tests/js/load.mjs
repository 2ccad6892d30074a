// Load the plugin scripts under node as CommonJS modules (each registers on the core namespace).
import {createRequire} from "node:module";
import {readFileSync} from "node:fs";

const require = createRequire(import.meta.url);
const JS = "../../src/neageo/maps/assets/js/";
export const core = require(JS + "core.js");
export const packed = require(JS + "packed.js");
export const fit = require(JS + "fit.js");
export const labels = require(JS + "labels.js");
export const search = require(JS + "search.js");
export const hash = require(JS + "hash.js");
export const legend = require(JS + "legend.js");
export const credits = require(JS + "credits.js");
for (const name of ["title", "language", "time", "frame", "layers"]) { require(JS + name + ".js"); }
export const story = require(JS + "story.js");
export const fixtures = JSON.parse(readFileSync(new URL("fixtures/payloads.json", import.meta.url), "utf8"));
export const contract = JSON.parse(readFileSync(new URL("../../src/neageo/maps/assets/contract.json", import.meta.url), "utf8"));
export const messages = JSON.parse(readFileSync(new URL("../../src/neageo/maps/assets/messages.json", import.meta.url), "utf8"));
