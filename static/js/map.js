// The member map: Leaflet draws the borders of Chile and Argentina (a GeoJSON file served by
// the portal, from Natural Earth) and a pin per municipality that gave its location, so the
// map works with no tile server and no network. A tile server, when configured, goes under
// the borders. Configuration comes from data- attributes on #member-map (the CSP forbids
// inline scripts). The pins come from the map data endpoint, which the browser revalidates
// with its ETag (a 304 on a repeat visit); the borders are a static file with a hashed name.
(function () {
  "use strict";

  var element = document.getElementById("member-map");
  if (!element || !window.L || !window.fetch) {
    return;
  }
  var config = element.dataset;
  if (!config.boundariesUrl || !config.geojsonUrl) {
    return;
  }

  function show(id) {
    var note = document.getElementById(id);
    if (note) {
      note.hidden = false;
    }
  }

  function getJSON(url) {
    return fetch(url, {
      headers: { Accept: "application/geo+json, application/json" },
      credentials: "same-origin",
    }).then(function (response) {
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response.json();
    });
  }

  // Marker images from the vendored copy, with the hashed names {% static %} gave them.
  L.Icon.Default.imagePath = "";
  L.Icon.Default.mergeOptions({
    iconUrl: config.iconUrl,
    iconRetinaUrl: config.iconRetinaUrl,
    shadowUrl: config.shadowUrl,
  });

  element.classList.add("is-ready"); // gives the map its height (see portal.css)
  element.classList.toggle("has-tiles", Boolean(config.tileUrl));
  // Chile and Argentina, from the Atacama to Tierra del Fuego, with room around them.
  var region = L.latLngBounds([-56.5, -76.5], [-17, -52]);
  var map = L.map(element, {
    scrollWheelZoom: false,
    zoomControl: false,
    minZoom: 2,
    // Fractional zoom: the long shape of the two countries fills the frame.
    zoomSnap: 0.25,
    zoomDelta: 1,
    // The 1:50m borders carry no detail past this; tiles do.
    maxZoom: config.tileUrl ? 18 : 9,
    maxBounds: region.pad(0.5),
  });
  L.control
    .zoom({ zoomInTitle: config.zoomIn || "+", zoomOutTitle: config.zoomOut || "-" })
    .addTo(map);
  map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
  map.fitBounds(region, { padding: [16, 16] });

  if (config.tileUrl) {
    var tiles = L.tileLayer(config.tileUrl, {
      maxZoom: 18,
      attribution: config.tileAttribution || "",
    });
    var tileErrorShown = false;
    tiles.on("tileerror", function () {
      if (!tileErrorShown) {
        tileErrorShown = true;
        show("map-tile-error");
      }
    });
    tiles.addTo(map);
  }

  // The borders: drawn, never focusable or clickable (they carry no information of their own).
  var borders = getJSON(config.boundariesUrl)
    .then(function (data) {
      L.geoJSON(data, {
        interactive: false,
        attribution: config.boundariesAttribution || "Natural Earth",
        style: function (feature) {
          return { className: "map-country map-country-" + feature.properties.country, weight: 1 };
        },
      }).addTo(map);
    })
    .catch(function () {
      show("map-tile-error");
    });

  // A popup built from DOM nodes and textContent: names never run as HTML.
  function popup(properties) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = properties.url;
    link.textContent = properties.name;
    var title = document.createElement("strong");
    title.appendChild(link);
    box.appendChild(title);
    [properties.region, properties.status].forEach(function (text) {
      if (text) {
        var line = document.createElement("div");
        line.textContent = text;
        box.appendChild(line);
      }
    });
    return box;
  }

  var pins = getJSON(config.geojsonUrl)
    .then(function (data) {
      var layer = L.geoJSON(data, {
        pointToLayer: function (feature, latlng) {
          var name = feature.properties.name;
          return L.marker(latlng, { title: name, alt: name, keyboard: true });
        },
        onEachFeature: function (feature, marker) {
          marker.bindPopup(popup(feature.properties));
        },
      }).addTo(map);
      // Both countries stay in view (the coalitions are national); a pin outside widens it.
      if (layer.getLayers().length) {
        var bounds = L.latLngBounds(region.getSouthWest(), region.getNorthEast());
        map.fitBounds(bounds.extend(layer.getBounds()), { padding: [16, 16] });
      }
    })
    .catch(function () {
      show("map-data-error");
    });

  // For tests and anyone watching: the map has drawn what it could.
  Promise.all([borders, pins]).then(function () {
    element.dataset.state = "drawn";
  });
})();
