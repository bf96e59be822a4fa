-- the blocks a source's documents were last cleaned with
select block_key from boilerplate_blocks where source = $source order by block_key;
