insert into minhash_params
values (1, $threshold, $num_perm, $shingle_words, $seed, $bands, $rows, now())
on conflict (params_id) do update set
    threshold = excluded.threshold,
    num_perm = excluded.num_perm,
    shingle_words = excluded.shingle_words,
    seed = excluded.seed,
    bands = excluded.bands,
    rows = excluded.rows,
    updated_at = excluded.updated_at;
