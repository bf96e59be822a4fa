delete from near_duplicate_pairs;
