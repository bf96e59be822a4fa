select count(*) from export_articles($since, $source);
