"""Administration: the demo district (`khlang demo`)."""
