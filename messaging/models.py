"""Case chat messages (issue 5 builds this app)."""
