insert or replace into minhash_params
values (1, $threshold, $num_perm, $shingle_words, $seed, $bands, $rows, now());
