"""The SPARQL 1.1 protocol service: what queries, updates and Graph Store writes may do."""
