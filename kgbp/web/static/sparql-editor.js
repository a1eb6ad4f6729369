// YASGUI against our own endpoint; no tabs persisted from other sites, no CDN.
(function () {
  var endpoint = window.location.origin + "/sparql";
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    persistenceId: "kgbp-yasgui"
  });
  var tab = yasgui.getTab();
  if (tab && !tab.getQuery().includes("sb:")) {
    tab.setQuery(
      "PREFIX sb: <https://w3id.org/kgbp/ontology#>\n" +
      "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n" +
      "SELECT ?step ?label WHERE {\n  ?step a sb:FailPoint ; rdfs:label ?label .\n  FILTER(lang(?label) = \"en\")\n} LIMIT 50\n");
  }
  // YASGUI leaves its endpoint field unlabelled and puts a button in its tab list: name the one,
  // and let the list be a plain list, so screen readers are not told of tabs that are not there.
  document.querySelectorAll("#yasgui .autocomplete").forEach(function (input) {
    input.setAttribute("aria-label", document.getElementById("yasgui").getAttribute("data-endpoint-label"));
  });
  document.querySelectorAll("#yasgui .tabsList[role=tablist]").forEach(function (list) {
    list.removeAttribute("role");
    list.querySelectorAll("[role=tab]").forEach(function (tab) {
      ["role", "aria-selected", "aria-controls"].forEach(function (name) { tab.removeAttribute(name); });
    });
  });
  document.querySelectorAll("#yasgui .CodeMirror textarea").forEach(function (area) {
    area.setAttribute("aria-label", document.getElementById("yasgui").getAttribute("data-query-label"));
  });
  window.kgbpYasgui = yasgui;
})();
