"""trawl flows package."""
