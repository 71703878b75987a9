"""Reports from the warehouse: `khlang reports` (pages come with the pages issue)."""
