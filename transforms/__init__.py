"""trawl transforms package."""
