"""HTTP plumbing shared by the GraphQL view, the REST door and the web UI."""
