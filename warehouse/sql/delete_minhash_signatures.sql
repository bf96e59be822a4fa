delete from minhash_signatures;
