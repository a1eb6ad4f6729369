"""ArchiMate: the exchange-format reader and writer, its model and Archi CSV."""
