"""The ``trawl`` subcommands by topic (flows/cli.py assembles them)."""
