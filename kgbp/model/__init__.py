"""The domain model: namespaces, IRIs minted from ids, the vocabulary, derived facts."""
