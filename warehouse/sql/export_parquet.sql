-- Parquet files partitioned by source and month (hive layout: source=<key>/month=<YYYY-MM>/)
copy (select * from export_articles($since, $source) order by source, month, published_at, doc_id)
to $path (format parquet, partition_by (source, month), write_partition_columns true, overwrite true);
