"""The federation gateway: composition, query planning, execution and the HTTP edge.

The gateway serves the supergraph composed from every subgraph in ``subgraphs/``;
until it lands, ``lms dev`` serves each subgraph at ``/subgraphs/NAME/graphql``.
"""
