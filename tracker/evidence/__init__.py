"""Files attached to progress updates as evidence, kept in the database."""
