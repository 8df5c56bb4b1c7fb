"use strict";
// Starts ReDoc on /api/v1/redoc/ (templates/drf_spectacular/redoc.html) from the page's data
// attributes: a file, not an inline script, so the Content-Security-Policy needs no
// 'unsafe-inline' and the page stays the same from one request to the next.
(function () {
  // ReDoc's sidebar footer always loads its maker's logo from cdn.redoc.ly. This site loads
  // nothing from other hosts (the CSP refuses it and reports a violation, and readers' addresses
  // would go to a third party), so that one image address becomes an empty image.
  // React sets it both as an attribute and as the element's src property.
  const EMPTY = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E";
  const local = (value) => (/^https:\/\/cdn\.redoc\.ly\//.test(String(value)) ? EMPTY : value);
  const setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (name, value) {
    return setAttribute.call(this, name, name === "src" ? local(value) : value);
  };
  const src = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, "src");
  Object.defineProperty(HTMLImageElement.prototype, "src", {
    ...src,
    set(value) {
      src.set.call(this, local(value));
    },
  });

  const element = document.getElementById("redoc-container");
  Redoc.init(element.dataset.schemaUrl, JSON.parse(element.dataset.settings || "{}"), element);
})();
