delete from near_duplicate_clusters;
