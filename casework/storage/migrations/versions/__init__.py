"""One migration a module, in order (0001 the first schema, and so on)."""
