-- pages are not articles: each document is an 'article' (a post) or a 'page' (about, history, how
-- to join...), told apart by transforms/kind.py, the signal that decided in provenance->>'kind'.
-- `articles` keeps the articles, the new `pages` (same columns) the pages; the view that was
-- called `pages` (every known page URL with its crawl state) is now `page_states`.

alter table documents add column kind varchar default 'article';
