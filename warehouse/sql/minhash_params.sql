select threshold, num_perm, shingle_words, seed, bands, rows
from minhash_params
where params_id = 1;
