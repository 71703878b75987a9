"""The supervision and QA area: `khlang supervision ...` and `khlang qa ...` (pages come with the pages issue)."""
