"""Schools, administrations, answer ingest, scoring and the score warehouse."""
