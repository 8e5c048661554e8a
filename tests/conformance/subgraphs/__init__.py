"""The campus fixture subgraphs (Python ones here; Node ones as .mjs modules)."""
