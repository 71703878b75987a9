"""Administration: the demo district (`khlang demo`) and the database behind it."""
