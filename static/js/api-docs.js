// Start Swagger UI on the API documentation page (config/api.py), from its JSON configuration element.
// A static file rather than an inline script, so the page needs no 'unsafe-inline' in its script-src.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("swagger-config").textContent);
  window.ui = SwaggerUIBundle({
    url: config.schemaUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    persistAuthorization: false,
    requestInterceptor: function (request) {
      // A signed-in browser user calls the API with the session cookie, which needs the CSRF token.
      request.headers["X-CSRFToken"] = config.csrfToken;
      return request;
    },
  });
})();
