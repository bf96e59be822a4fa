delete from minhash_bands;
