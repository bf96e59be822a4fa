"""trawl demo package."""
