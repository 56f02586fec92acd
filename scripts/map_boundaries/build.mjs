// Builds static/vendor/natural-earth/chile-argentina.geojson: the Chile and Argentina
// features of Natural Earth's 1:50m admin-0 countries, as packaged in world-atlas (TopoJSON),
// converted to GeoJSON with topojson-client here, at build time, so the browser gets a plain
// GeoJSON file that Leaflet draws without any converter.
//
//   cd scripts/map_boundaries && npm install --no-package-lock && node build.mjs
//
// Coordinates are rounded to 3 decimals (about 100 m, far below what 1:50m resolves) to keep
// the file small; points that become equal after rounding are dropped.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { feature } from "topojson-client";

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const output = join(here, "..", "..", "static", "vendor", "natural-earth");
// ISO 3166-1 numeric code (world-atlas's feature id) -> alpha-2 code used by the portal.
const COUNTRIES = { "152": "CL", "032": "AR" };

const atlasPackage = require("world-atlas/package.json");
const topology = JSON.parse(
  readFileSync(require.resolve("world-atlas/countries-50m.json"), "utf8"),
);

function round(value) {
  return Math.round(value * 1000) / 1000;
}

function ring(points) {
  const kept = [];
  for (const [lon, lat] of points) {
    const point = [round(lon), round(lat)];
    const last = kept[kept.length - 1];
    if (!last || last[0] !== point[0] || last[1] !== point[1]) kept.push(point);
  }
  return kept;
}

function polygons(geometry) {
  const list = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
  // A ring needs four positions (closed triangle); tiny islands that collapse are dropped.
  return list.map((rings) => rings.map(ring).filter((r) => r.length >= 4)).filter((p) => p.length);
}

const features = topology.objects.countries.geometries
  .filter((geometry) => geometry.id in COUNTRIES)
  .map((geometry) => {
    const country = feature(topology, geometry);
    return {
      type: "Feature",
      id: COUNTRIES[geometry.id],
      properties: { country: COUNTRIES[geometry.id], name: country.properties.name },
      geometry: { type: "MultiPolygon", coordinates: polygons(country.geometry) },
    };
  })
  .sort((a, b) => a.id.localeCompare(b.id));

if (features.length !== Object.keys(COUNTRIES).length) {
  throw new Error("world-atlas no longer has both Chile and Argentina");
}

mkdirSync(output, { recursive: true });
writeFileSync(
  join(output, "chile-argentina.geojson"),
  JSON.stringify({
    type: "FeatureCollection",
    // Where it came from, kept inside the file that is served.
    source: `Natural Earth 1:50m admin-0 countries (public domain), world-atlas ${atlasPackage.version}`,
    features,
  }) + "\n",
);
writeFileSync(join(output, "LICENSE"), readFileSync(require.resolve("world-atlas/LICENSE")));
console.log(`wrote ${features.map((f) => f.id).join(", ")} to ${output}`);
