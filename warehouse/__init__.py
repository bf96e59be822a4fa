"""trawl warehouse package."""
