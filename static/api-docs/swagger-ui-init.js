"use strict";
// Starts Swagger UI on /api/v1/docs/ (templates/drf_spectacular/swagger_ui.html) from the page's
// data attributes: a file, not an inline script, so the Content-Security-Policy needs no
// 'unsafe-inline' and the page stays the same from one request to the next.
(function () {
  const element = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: element.dataset.schemaUrl,
    dom_id: "#swagger-ui",
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    ...JSON.parse(element.dataset.settings || "{}"),
  });
})();
