select count(distinct raw_hash) from extractions where source = $source;
