"""The warehouse on DuckLake, for several loaders at once (``[warehouse] catalog``).

Each shard loads into its own local staging DuckDB file with the ordinary loader (every
mutation and constraint stays local), then publishes what the lake lacks in one lake
transaction per batch (``publish``): append-only rows tagged with their batch, a
``lake_batches`` row checked in the same transaction so a batch lands once, the views of
``schema`` picking one row per key. ``retry`` bounds and counts the commits retried on catalog
conflicts, ``index`` rebuilds the local search file from the lake, ``settle`` compacts it.
"""
