"""The platform's domains, one Strawberry federation subgraph per package."""
