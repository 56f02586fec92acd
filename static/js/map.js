// The member map: a Leaflet map with a pin per municipality that gave its location.
// Configuration comes from data- attributes on #member-map (the CSP forbids inline scripts).
// The list of municipalities under the map is the fallback: if anything here fails, the
// page still holds every municipality.
(function () {
  "use strict";

  var element = document.getElementById("member-map");
  if (!element || !window.L || !window.fetch) {
    return;
  }
  var config = element.dataset;
  if (!config.tileUrl || !config.geojsonUrl) {
    return;
  }

  function show(id) {
    var note = document.getElementById(id);
    if (note) {
      note.hidden = false;
    }
  }

  // Marker images from the vendored copy, with the hashed names {% static %} gave them.
  L.Icon.Default.imagePath = "";
  L.Icon.Default.mergeOptions({
    iconUrl: config.iconUrl,
    iconRetinaUrl: config.iconRetinaUrl,
    shadowUrl: config.shadowUrl,
  });

  element.classList.add("is-ready"); // gives the map its height (see portal.css)
  var map = L.map(element, { scrollWheelZoom: false }).setView([-34, -66], 4);

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

  fetch(config.geojsonUrl, {
    headers: { Accept: "application/geo+json, application/json" },
    credentials: "same-origin",
  })
    .then(function (response) {
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response.json();
    })
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
      if (layer.getLayers().length) {
        map.fitBounds(layer.getBounds(), { padding: [24, 24], maxZoom: 10 });
      }
    })
    .catch(function () {
      show("map-data-error");
    });
})();
