// A client of kgbp written with Apache Jena's RDFConnection (Java 11+ HttpClient), for
// tests/system/test_clients.py. Usage:
//   JenaClient select BASE QUERY            prints ?l of each row
//   JenaClient update BASE TOKEN UPDATE
//   JenaClient put    BASE TOKEN GRAPH TURTLE   Graph Store PUT of the Turtle into GRAPH (Jena's GSP)
import org.apache.jena.http.sys.RegistryRequestModifier;
import org.apache.jena.rdf.model.Model;
import org.apache.jena.rdf.model.ModelFactory;
import org.apache.jena.rdfconnection.RDFConnection;
import org.apache.jena.rdfconnection.RDFConnectionRemote;
import org.apache.jena.riot.Lang;
import org.apache.jena.riot.RDFParser;
import org.apache.jena.sparql.exec.http.GSP;

public class JenaClient {
    static RDFConnection connect(String base) {
        return RDFConnectionRemote.newBuilder().destination(base).queryEndpoint("sparql").updateEndpoint("sparql")
            .gspEndpoint("rdf-graphs/service").parseCheckSPARQL(false).build();  // the text as given: long, so POSTed
    }

    static void bearer(String base, String token) {
        // every query and update request to the server carries the token (RDFConnection applies this registry)
        RegistryRequestModifier.get().addPrefix(base, (params, headers) -> headers.put("Authorization", "Bearer " + token));
    }

    public static void main(String[] args) {
        String command = args[0], base = args[1];
        if (command.equals("select")) {
            try (RDFConnection conn = connect(base)) {
                conn.querySelect(args[2], row -> System.out.println(row.get("l").asLiteral().getLexicalForm()));
            }
        } else if (command.equals("update")) {
            bearer(base, args[2]);
            try (RDFConnection conn = connect(base)) {
                conn.update(args[3]);
            }
        } else if (command.equals("put")) {
            Model model = ModelFactory.createDefaultModel();
            RDFParser.fromString(args[4]).lang(Lang.TURTLE).parse(model);
            // RDFConnection.put(graph, model) is this GSP call; Jena 4.5's RDFConnection offers no way
            // to add a header to its Graph Store requests, so the token goes through GSP itself
            GSP.service(base + "rdf-graphs/service").graphName(args[3]).httpHeader("Authorization", "Bearer " + args[2])
                .PUT(model.getGraph());
        } else {
            throw new IllegalArgumentException("unknown command " + command);
        }
    }
}
