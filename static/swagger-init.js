// Starts Swagger UI for /docs. A separate file because the Content-Security-Policy
// forbids inline scripts; the schema's address comes from a data attribute.
window.addEventListener("load", function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    validatorUrl: null // never send the schema to an outside validator
  });
});
