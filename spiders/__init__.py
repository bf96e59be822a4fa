"""trawl spiders package."""
