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
  window.kgbpYasgui = yasgui;
})();
