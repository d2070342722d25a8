// Starts the vendored Swagger UI on our OpenAPI document (kept out of the page for the CSP).
"use strict";
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({ url: "/api/v1/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
});
