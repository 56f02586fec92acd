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

  // Popups built from DOM nodes and textContent: names never run as HTML.
  function cityLines(box, properties) {
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
  }

  function popup(features) {
    var box = document.createElement("div");
    if (features.length === 1) {
      cityLines(box, features[0].properties);
      return box;
    }
    var list = document.createElement("ul");
    list.className = "map-popup-list";
    features.forEach(function (feature) {
      var item = document.createElement("li");
      cityLines(item, feature.properties);
      list.appendChild(item);
    });
    box.appendChild(list);
    return box;
  }

  // One round marker per city, or per group of cities too close to tell apart at this zoom
  // (with its count): markers never overlap, so each is a target of its own (WCAG 2.5.8),
  // reachable with the Tab key and named for what it holds.
  var SPACING = 36; // pixels between marker centres; markers are 28 px wide
  var markers = L.layerGroup().addTo(map);
  var features = [];

  function groups() {
    var found = [];
    features.forEach(function (feature) {
      var c = feature.geometry.coordinates;
      var point = map.latLngToLayerPoint([c[1], c[0]]);
      for (var i = 0; i < found.length; i++) {
        if (found[i].point.distanceTo(point) < SPACING) {
          found[i].features.push(feature);
          return;
        }
      }
      found.push({ point: point, features: [feature] });
    });
    return found;
  }

  function icon(group) {
    var names = group.features.map(function (f) {
      return f.properties.name;
    });
    var element = document.createElement("span");
    element.className = "map-pin-dot";
    element.textContent = group.features.length > 1 ? String(group.features.length) : "";
    element.setAttribute("aria-hidden", "true");
    // A group's name starts with its visible number: "2 municipios: Peñalolén, Valparaíso".
    var prefix = names.length > 1 ? names.length + " " + (config.groupWord || "") + ": " : "";
    return {
      label: prefix + names.join(", "),
      icon: L.divIcon({
        html: element,
        className: "map-pin" + (group.features.length > 1 ? " map-pin-group" : ""),
        iconSize: [28, 28],
        iconAnchor: [14, 14],
        popupAnchor: [0, -12],
      }),
    };
  }

  function draw() {
    markers.clearLayers();
    groups().forEach(function (group) {
      var latlng = map.layerPointToLatLng(group.point);
      var look = icon(group);
      var marker = L.marker(latlng, { icon: look.icon, title: look.label, keyboard: true });
      marker.bindPopup(popup(group.features));
      marker.on("add", function () {
        var element = marker.getElement();
        element.setAttribute("aria-label", look.label);
        element.dataset.count = String(group.features.length);
      });
      markers.addLayer(marker);
    });
  }

  var pins = getJSON(config.geojsonUrl)
    .then(function (data) {
      features = (data.features || []).filter(function (f) {
        return f.geometry && f.geometry.type === "Point";
      });
      if (features.length) {
        // Both countries stay in view (the coalitions are national); a pin outside widens it.
        var bounds = L.latLngBounds(region.getSouthWest(), region.getNorthEast());
        features.forEach(function (f) {
          bounds.extend([f.geometry.coordinates[1], f.geometry.coordinates[0]]);
        });
        map.fitBounds(bounds, { padding: [16, 16] });
      }
      draw();
      map.on("zoomend", draw);
    })
    .catch(function () {
      show("map-data-error");
    });

  // For tests and anyone watching: the map has drawn what it could.
  Promise.all([borders, pins]).then(function () {
    element.dataset.state = "drawn";
  });
})();
